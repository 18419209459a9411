import type { CommandRunner } from '@keyroom/device-kit'
import { describe, expect, it } from 'vitest'
import { MAC_DEFAULT_REPEAT, readRepeatSettings, WINDOWS_DEFAULT_REPEAT } from './repeat-settings.js'

/** A fake `defaults`: answers `defaults read -g KEY` from the table, or fails as macOS does for a missing key. */
const defaults =
  (table: Record<string, string>): CommandRunner =>
  async (file, args) => {
    expect(file).toBe('defaults')
    const value = table[args[2] ?? '']
    return value === undefined
      ? {
          code: 1,
          stdout: '',
          stderr: `The domain/default pair of (kCFPreferencesAnyApplication, ${args[2]}) does not exist`,
        }
      : { code: 0, stdout: `${value}\n`, stderr: '' }
  }

describe('repeat settings', () => {
  it('reads macOS InitialKeyRepeat and KeyRepeat (units of 15 ms)', async () => {
    expect(await readRepeatSettings('darwin', defaults({ InitialKeyRepeat: '15', KeyRepeat: '2' }))).toEqual({
      settings: { delayMs: 225, intervalMs: 30 },
      from: 'defaults read -g InitialKeyRepeat / KeyRepeat',
    })
  })

  it('falls back to the macOS defaults when the user never set them, and one at a time', async () => {
    expect(await readRepeatSettings('darwin', defaults({}))).toEqual({
      settings: MAC_DEFAULT_REPEAT,
      from: 'macOS defaults (not set by the user)',
    })
    expect((await readRepeatSettings('darwin', defaults({ KeyRepeat: '1' }))).settings).toEqual({
      delayMs: MAC_DEFAULT_REPEAT.delayMs,
      intervalMs: 15,
    })
  })

  it('treats a garbage value as unset and "Off" as no repeat', async () => {
    expect((await readRepeatSettings('darwin', defaults({ KeyRepeat: 'fast' }))).settings?.intervalMs).toBe(
      MAC_DEFAULT_REPEAT.intervalMs,
    )
    const off = await readRepeatSettings('darwin', defaults({ InitialKeyRepeat: '300000' }))
    expect(off.settings).toBeUndefined()
    expect(off).toMatchObject({ reason: expect.stringContaining('off') })
  })

  it('leaves repeat to the X server on Linux', async () => {
    const never: CommandRunner = async () => {
      throw new Error('must not run anything')
    }
    const linux = await readRepeatSettings('linux', never)
    expect(linux.settings).toBeUndefined()
    expect(linux).toMatchObject({ reason: expect.stringContaining('X server') })
  })

  it('reads Windows KeyboardDelay and KeyboardSpeed from the registry, with the defaults for what is missing', async () => {
    const reg =
      (values: Record<string, string>): CommandRunner =>
      async (file, args) => {
        expect([file, ...args.slice(0, 2)]).toEqual(['reg', 'query', 'HKCU\\Control Panel\\Keyboard'])
        const name = args[3] ?? ''
        const value = values[name]
        return value === undefined
          ? {
              code: 1,
              stdout: '',
              stderr: 'ERROR: The system was unable to find the specified registry key or value.',
            }
          : {
              code: 0,
              stdout: `\r\nHKEY_CURRENT_USER\\Control Panel\\Keyboard\r\n    ${name}    REG_SZ    ${value}\r\n\r\n`,
              stderr: '',
            }
      }
    // Delay 0 is 250 ms, speed 0 about 2.5 a second (400 ms apart).
    expect(await readRepeatSettings('win32', reg({ KeyboardDelay: '0', KeyboardSpeed: '0' }))).toEqual({
      settings: { delayMs: 250, intervalMs: 400 },
      from: 'reg query HKCU\\Control Panel\\Keyboard',
    })
    expect(
      (await readRepeatSettings('win32', reg({ KeyboardDelay: '3', KeyboardSpeed: '31' }))).settings,
    ).toEqual({
      delayMs: 1000,
      intervalMs: 33,
    })
    expect(await readRepeatSettings('win32', reg({}))).toEqual({
      settings: WINDOWS_DEFAULT_REPEAT,
      from: 'Windows defaults (not in the registry)',
    })
    // Out of range or not a number: the default for that one.
    expect(
      (await readRepeatSettings('win32', reg({ KeyboardDelay: '9', KeyboardSpeed: 'x' }))).settings,
    ).toEqual(WINDOWS_DEFAULT_REPEAT)
  })
})
