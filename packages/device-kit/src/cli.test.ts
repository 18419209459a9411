import { describe, expect, it } from 'vitest'
import { type CliSpec, parseDeviceCli } from './cli.js'

const spec: CliSpec<'driver'> = { run: ['driver'], install: ['driver'] }

describe('device CLI', () => {
  it('reads the common verbs; run by default; help three ways', () => {
    expect(parseDeviceCli(spec, [])).toEqual({ ok: true, value: { kind: 'run', own: {} } })
    expect(parseDeviceCli(spec, ['--', 'run', '--driver', 'log', '--name', ' desk '])).toEqual({
      ok: true,
      value: { kind: 'run', name: 'desk', own: { driver: 'log' } },
    })
    for (const help of [['--help'], ['-h'], ['help']]) {
      expect(parseDeviceCli(spec, help)).toEqual({ ok: true, value: { kind: 'help' } })
    }
    expect(parseDeviceCli(spec, ['status'])).toEqual({ ok: true, value: { kind: 'status', own: {} } })
  })

  it('falls back to $KEYROOM_RELAY for pair and $KEYROOM_LINK for run, flags first', () => {
    const env = { KEYROOM_RELAY: 'http://env-relay', KEYROOM_LINK: 'env-link' }
    expect(parseDeviceCli(spec, ['pair'], env)).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://env-relay' },
    })
    expect(parseDeviceCli(spec, ['pair', '--link', 'L'], env)).toEqual({
      ok: true,
      value: { kind: 'pair', link: 'L' },
    })
    expect(parseDeviceCli(spec, ['run'], env)).toMatchObject({ value: { link: 'env-link' } })
    expect(parseDeviceCli(spec, ['run', '--link', 'flag'], env)).toMatchObject({ value: { link: 'flag' } })
    // install of this app takes no --link, so the environment's is not read either.
    expect(parseDeviceCli(spec, ['install'], env)).toEqual({ ok: true, value: { kind: 'install', own: {} } })
  })

  it('reads install --dry-run and run --json, and refuses them on other verbs', () => {
    expect(parseDeviceCli(spec, ['install', '--dry-run'])).toEqual({
      ok: true,
      value: { kind: 'install', dryRun: true, own: {} },
    })
    expect(parseDeviceCli(spec, ['run', '--json'])).toEqual({
      ok: true,
      value: { kind: 'run', json: true, own: {} },
    })
    const refused = (argv: string[]) => {
      const parsed = parseDeviceCli(spec, argv)
      return parsed.ok ? 'parsed' : parsed.error.message
    }
    expect(refused(['run', '--dry-run'])).toBe('run does not take --dry-run')
    expect(refused(['install', '--json'])).toBe('install does not take --json')
    expect(refused(['status', '--dry-run'])).toBe('status does not take --dry-run')
  })

  it('names each mistake with a usage error', () => {
    const message = (argv: string[]) => {
      const parsed = parseDeviceCli(spec, argv)
      return parsed.ok ? 'parsed' : `${parsed.error.code}: ${parsed.error.message}`
    }
    expect(message(['pair'])).toBe('usage: pair needs --relay URL (or $KEYROOM_RELAY) or --link LINK')
    expect(message(['status', '--link', 'x'])).toBe('usage: status does not take --link')
    expect(message(['pair', '--driver', 'log'])).toBe('usage: pair does not take --driver')
    expect(message(['run', '--name', '  '])).toBe('usage: --name must not be empty')
    expect(message(['run', 'extra'])).toBe('usage: unexpected argument "extra"')
    expect(message(['--bogus'])).toMatch(/^usage: .*--bogus/)
    expect(message(['launch'])).toBe(
      'usage: unknown command "launch" (pair, run, install, uninstall, status, help)',
    )
  })

  it('looks verbs and flags up by own keys only: every Object.prototype name is refused', () => {
    const names = Object.getOwnPropertyNames(Object.prototype)
    expect(names).toContain('toString')
    for (const name of names) {
      const verb = parseDeviceCli(spec, [name])
      expect(verb).toMatchObject({
        ok: false,
        error: {
          code: 'usage',
          message: `unknown command "${name}" (pair, run, install, uninstall, status, help)`,
        },
      })
      const flag = parseDeviceCli(spec, ['run', `--${name}`, 'x'])
      expect(flag).toMatchObject({
        ok: false,
        error: { code: 'usage', message: expect.stringContaining(name) },
      })
    }
  })
})
