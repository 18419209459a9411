import type { CommandRunner } from '@keyroom/device-kit'
import type { RepeatSettings } from './key-repeat.js'

/** macOS's `InitialKeyRepeat` and `KeyRepeat` count in units of 15 ms. */
const MAC_TICK_MS = 15
/**
 * Used when the user never changed the setting (`defaults read` finds no key): System Settings' default slider
 * positions, InitialKeyRepeat 25 (375 ms) and KeyRepeat 6 (90 ms). Not checked on a Mac here: see the README table.
 */
export const MAC_DEFAULT_REPEAT: RepeatSettings = { delayMs: 25 * MAC_TICK_MS, intervalMs: 6 * MAC_TICK_MS }
/** Windows' defaults (KeyboardDelay 1 = 500 ms, KeyboardSpeed 31 = about 30/s), used where the registry has none. */
export const WINDOWS_DEFAULT_REPEAT: RepeatSettings = { delayMs: 500, intervalMs: 33 }
const WINDOWS_KEYBOARD_KEY = 'HKCU\\Control Panel\\Keyboard'
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

/** One REG_SZ value of the user's keyboard settings (`reg query` prints `    Name    REG_SZ    value`). */
const readWindowsValue = async (run: CommandRunner, name: string): Promise<number | undefined> => {
  const result = await run('reg', ['query', WINDOWS_KEYBOARD_KEY, '/v', name])
  if (result.code !== 0) return undefined
  const value = new RegExp(`^\\s*${name}\\s+REG_SZ\\s+(\\d+)\\s*$`, 'm').exec(result.stdout)?.[1]
  return value === undefined ? undefined : Number(value)
}

/**
 * Windows' keyboard settings, as `SystemParametersInfo` documents them: KeyboardDelay 0-3 is 250-1000 ms in steps
 * of 250; KeyboardSpeed 0-31 is about 2.5 to about 30 repeats a second, linearly.
 */
async function readWindowsRepeat(run: CommandRunner): Promise<RepeatSource> {
  const delay = await readWindowsValue(run, 'KeyboardDelay')
  const speed = await readWindowsValue(run, 'KeyboardSpeed')
  const delayMs = delay !== undefined && delay <= 3 ? (delay + 1) * 250 : WINDOWS_DEFAULT_REPEAT.delayMs
  const intervalMs =
    speed !== undefined && speed <= 31
      ? Math.round(1000 / (2.5 + (speed * 27.5) / 31))
      : WINDOWS_DEFAULT_REPEAT.intervalMs
  const read = delay !== undefined || speed !== undefined
  return {
    settings: { delayMs, intervalMs },
    from: read ? `reg query ${WINDOWS_KEYBOARD_KEY}` : 'Windows defaults (not in the registry)',
  }
}

/**
 * The user's repeat delay and rate for the platforms where keyroom does the repeating (macOS, Windows). On Linux the
 * X server repeats held keys itself, with its own settings (`xset q`), so there is nothing to read.
 */
export async function readRepeatSettings(platform: string, run: CommandRunner): Promise<RepeatSource> {
  if (platform === 'linux') return { from: 'X server', reason: 'the X server repeats held keys itself' }
  if (platform === 'win32') return readWindowsRepeat(run)
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
