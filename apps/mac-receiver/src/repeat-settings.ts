import type { CommandRunner } from '@keyroom/device-kit'
import type { RepeatSettings } from './key-repeat.js'

/** macOS's `InitialKeyRepeat` and `KeyRepeat` count in units of 15 ms. */
const MAC_TICK_MS = 15
/**
 * Used when the user never changed the setting (`defaults read` finds no key): System Settings' default slider
 * positions, InitialKeyRepeat 25 (375 ms) and KeyRepeat 6 (90 ms). Not checked on a Mac here: see the README table.
 */
export const MAC_DEFAULT_REPEAT: RepeatSettings = { delayMs: 25 * MAC_TICK_MS, intervalMs: 6 * MAC_TICK_MS }
/** Windows' defaults (KeyboardDelay 1 = 500 ms, KeyboardSpeed 31 = about 30/s); not read from the registry yet. */
export const WINDOWS_DEFAULT_REPEAT: RepeatSettings = { delayMs: 500, intervalMs: 33 }
/** Settings past this (System Settings' "Off" writes a huge InitialKeyRepeat) mean: no repeat. */
const REPEAT_OFF_DELAY_MS = 10_000

export type RepeatSource =
  | { settings: RepeatSettings; from: string }
  | { settings?: undefined; from: string; reason: string }

const readMacDefault = async (run: CommandRunner, key: string): Promise<number | undefined> => {
  const result = await run('defaults', ['read', '-g', key])
  if (result.code !== 0) return undefined
  const value = Number(result.stdout.trim())
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/**
 * The user's repeat delay and rate for the platforms where keyroom does the repeating (macOS, Windows). On Linux the
 * X server repeats held keys itself, with its own settings (`xset q`), so there is nothing to read.
 */
export async function readRepeatSettings(platform: string, run: CommandRunner): Promise<RepeatSource> {
  if (platform === 'linux') return { from: 'X server', reason: 'the X server repeats held keys itself' }
  if (platform === 'win32') return { settings: WINDOWS_DEFAULT_REPEAT, from: 'Windows defaults' }
  if (platform !== 'darwin') return { from: platform, reason: `no repeat on ${platform}` }
  const initial = await readMacDefault(run, 'InitialKeyRepeat')
  const repeat = await readMacDefault(run, 'KeyRepeat')
  const settings: RepeatSettings = {
    delayMs: initial ? initial * MAC_TICK_MS : MAC_DEFAULT_REPEAT.delayMs,
    intervalMs: repeat ? repeat * MAC_TICK_MS : MAC_DEFAULT_REPEAT.intervalMs,
  }
  if (settings.delayMs > REPEAT_OFF_DELAY_MS)
    return { from: 'defaults read -g InitialKeyRepeat', reason: 'key repeat is off in System Settings' }
  const from =
    initial || repeat
      ? 'defaults read -g InitialKeyRepeat / KeyRepeat'
      : 'macOS defaults (not set by the user)'
  return { settings, from }
}
