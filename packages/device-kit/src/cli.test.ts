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

  it('falls back to $KEYROOM_RELAY for pair and reads links from a file, stdin or $KEYROOM_LINK, never argv', () => {
    const env = { KEYROOM_RELAY: 'http://env-relay', KEYROOM_LINK: 'env-link' }
    expect(parseDeviceCli(spec, ['pair'], { KEYROOM_RELAY: 'http://env-relay' })).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://env-relay' },
    })
    expect(parseDeviceCli(spec, ['pair', '--link-file', '/tmp/l'], env)).toEqual({
      ok: true,
      value: { kind: 'pair', link: { kind: 'file', path: '/tmp/l' } },
    })
    expect(parseDeviceCli(spec, ['pair', '--link', '-', '--window', '90', '--name', 'pi'])).toEqual({
      ok: true,
      value: { kind: 'pair', link: { kind: 'stdin' }, windowSeconds: 90, name: 'pi' },
    })
    expect(parseDeviceCli(spec, ['pair'], { KEYROOM_LINK: 'env-link' })).toEqual({
      ok: true,
      value: { kind: 'pair', link: { kind: 'env', text: 'env-link' } },
    })
    // Neither: `pair` opens a new window in the room the device is in already.
    expect(parseDeviceCli(spec, ['pair', '--window', '30'])).toEqual({
      ok: true,
      value: { kind: 'pair', windowSeconds: 30 },
    })
    // run and install read the device store, not a link.
    expect(parseDeviceCli(spec, ['run'], env)).toEqual({ ok: true, value: { kind: 'run', own: {} } })
    expect(parseDeviceCli(spec, ['install'], env)).toEqual({ ok: true, value: { kind: 'install', own: {} } })
  })

  it('reads devices list|approve|revoke|log', () => {
    expect(parseDeviceCli(spec, ['devices', 'list', '--json'])).toEqual({
      ok: true,
      value: { kind: 'devices', action: 'list', json: true },
    })
    expect(parseDeviceCli(spec, ['devices', 'approve', '123 456'])).toEqual({
      ok: true,
      value: { kind: 'devices', action: 'approve', target: '123 456' },
    })
    expect(parseDeviceCli(spec, ['devices', 'revoke', '--name', 'x'])).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining("Unknown option '--name'") },
    })
    expect(parseDeviceCli(spec, ['devices', 'approve'])).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('the code or fingerprint') },
    })
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
    expect(message(['pair', '--link', 'https://relay/#v=2&room=x'])).toMatch(
      /^usage: a link on the command line shows in the process list/,
    )
    expect(message(['pair', '--relay', 'http://r', '--link', '-'])).toBe(
      'usage: give --relay (a new room) or a link (its room), not both',
    )
    for (const window of ['0', '-5', '1.5', 'ten', '86401'])
      expect(message(['pair', `--window=${window}`])).toBe(
        `usage: --window must be a whole number of seconds from 1 to 86400, not "${window}"`,
      )
    expect(message(['status', '--link', 'x'])).toBe('usage: status does not take --link')
    expect(message(['run', '--link', 'x'])).toBe('usage: run does not take --link')
    expect(message(['pair', '--driver', 'log'])).toBe('usage: pair does not take --driver')
    expect(message(['run', '--name', '  '])).toBe('usage: --name must not be empty')
    expect(message(['pair', '--name', 'mac\u001b[2J'])).toBe(
      'usage: --name: a name may not contain U+001B (control or direction-changing characters)',
    )
    expect(message(['run', 'extra'])).toBe('usage: unexpected argument "extra"')
    expect(message(['--bogus'])).toMatch(/^usage: .*--bogus/)
    expect(message(['launch'])).toBe(
      'usage: unknown command "launch" (pair, devices, run, install, uninstall, status, help)',
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
          message: `unknown command "${name}" (pair, devices, run, install, uninstall, status, help)`,
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
