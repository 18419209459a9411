import { describe, expect, it } from 'vitest'
import { parseCli } from './cli-args.js'

const error = (argv: string[]) => {
  const parsed = parseCli(argv)
  return parsed.ok ? 'parsed' : parsed.error.message
}

describe('cli args', () => {
  it("runs by default, also behind the root script's --", () => {
    expect(parseCli(['--', '--pins', 'p.json', '--driver', 'sim', '--name', 'door'])).toEqual({
      ok: true,
      value: { kind: 'run', pins: 'p.json', driver: 'sim', name: 'door' },
    })
    expect(parseCli(['run', '--pins', 'p.json'])).toEqual({
      ok: true,
      value: { kind: 'run', pins: 'p.json' },
    })
  })

  it("reads pair (a new room, another device's link, a new window), devices, install, uninstall and status", () => {
    expect(parseCli(['pair', '--relay', 'http://r', '--window', '60', '--name', 'door'])).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://r', windowSeconds: 60, name: 'door' },
    })
    expect(parseCli(['pair', '--link-file', '/tmp/mac.link'])).toEqual({
      ok: true,
      value: { kind: 'pair', link: { kind: 'file', path: '/tmp/mac.link' } },
    })
    expect(parseCli(['pair'])).toEqual({ ok: true, value: { kind: 'pair' } })
    expect(parseCli(['devices', 'approve', '123456'])).toEqual({
      ok: true,
      value: { kind: 'devices', action: 'approve', target: '123456' },
    })
    expect(parseCli(['devices', 'log', '--json'])).toEqual({
      ok: true,
      value: { kind: 'devices', action: 'log', json: true },
    })
    expect(parseCli(['install', '--pins', '/etc/p.json', '--user', 'door'])).toEqual({
      ok: true,
      value: { kind: 'install', pins: '/etc/p.json', user: 'door' },
    })
    expect(parseCli(['uninstall'])).toEqual({ ok: true, value: { kind: 'uninstall' } })
    expect(parseCli(['status'])).toEqual({ ok: true, value: { kind: 'status' } })
  })

  it('reads run --json', () => {
    expect(parseCli(['run', '--pins', 'p.json', '--json'])).toEqual({
      ok: true,
      value: { kind: 'run', pins: 'p.json', json: true },
    })
  })

  it('reads install --dry-run', () => {
    expect(parseCli(['install', '--pins', '/etc/keyroom-pi/pins.json', '--dry-run'])).toEqual({
      ok: true,
      value: { kind: 'install', pins: '/etc/keyroom-pi/pins.json', dryRun: true },
    })
  })

  it('gives usage errors that say what is wrong', () => {
    expect(error(['run'])).toMatch(/--pins <file> is required/)
    expect(error(['--pins', 'p', '--driver', 'gpiod'])).toMatch(/--driver must be onoff, sim or hid/)
    expect(error(['pair', '--window', '0'])).toMatch(/--window must be a whole number of seconds/)
    expect(error(['pair', '--relay', 'http://r', '--link', '-'])).toMatch(/not both/)
    expect(error(['devices', 'approve'])).toMatch(/needs the code or fingerprint/)
    // No key in argv any more: run and install join the paired room.
    expect(error(['run', '--pins', 'p', '--link', 'L'])).toBe('run does not take --link')
    expect(error(['install', '--pins', '/p', '--link', 'L'])).toBe('install does not take --link')
    expect(error(['dance'])).toMatch(/unknown command "dance"/)
    expect(error(['--pins', 'p', '--bogus'])).toMatch(/bogus/)
    expect(error(['toString'])).toMatch(/unknown command "toString"/)
  })

  it('reads --driver hid with its settings, alone or beside pins, and the hid commands', () => {
    const value = (argv: string[]) => {
      const parsed = parseCli(argv)
      if (!parsed.ok) throw new Error(parsed.error.message)
      return parsed.value
    }
    expect(value(['--driver', 'hid', '--layout', '/etc/de.json', '--hid-device', '/dev/hidg3'])).toEqual({
      kind: 'run',
      driver: 'hid',
      hid: { layout: '/etc/de.json', devices: { keyboard: '/dev/hidg3' } },
    })
    expect(value(['--driver', 'hid', '--pins', 'p.json', '--hid-mouse-device', '/dev/m'])).toEqual({
      kind: 'run',
      driver: 'hid',
      pins: 'p.json',
      hid: { devices: { mouse: '/dev/m' } },
    })
    expect(value(['hid', 'setup', '--configfs-root', '/tmp/c', '--udc', 'x.usb'])).toEqual({
      kind: 'hid',
      action: 'setup',
      configfsRoot: '/tmp/c',
      udc: 'x.usb',
    })
    expect(value(['hid', 'teardown'])).toEqual({ kind: 'hid', action: 'teardown' })
    expect(value(['install', '--driver', 'hid', '--layout', 'us'])).toEqual({
      kind: 'install',
      hid: { layout: 'us' },
    })
  })

  it('refuses hid settings without --driver hid and an unknown hid action', () => {
    expect(error(['--pins', 'p', '--layout', 'us'])).toMatch(/--layout needs --driver hid/)
    expect(error(['--pins', 'p', '--hid-device', '/dev/hidg0'])).toMatch(/--hid-device needs --driver hid/)
    expect(error(['hid'])).toMatch(/hid needs setup or teardown$/)
    expect(error(['hid', 'frobnicate'])).toMatch(/hid needs setup or teardown, not "frobnicate"/)
    expect(error(['hid', 'setup', 'now'])).toMatch(/unexpected argument "now"/)
  })

  it("reads safe-outputs (the unit's ExecStopPost) and refuses what it cannot do", () => {
    expect(parseCli(['safe-outputs', '--pins', '/etc/p.json'])).toEqual({
      ok: true,
      value: { kind: 'safe-outputs', pins: '/etc/p.json' },
    })
    expect(parseCli(['safe-outputs', '--driver', 'hid', '--hid-device', '/dev/hidg3'])).toEqual({
      ok: true,
      value: { kind: 'safe-outputs', hid: { keyboard: '/dev/hidg3' } },
    })
    expect(error(['safe-outputs'])).toMatch(/needs --pins <file> or --driver hid/)
    expect(error(['safe-outputs', '--pins', 'p', '--driver', 'sim'])).toMatch(/--driver hid only, not "sim"/)
    expect(error(['safe-outputs', '--pins', 'p', '--hid-device', '/dev/x'])).toMatch(
      /--hid-device needs --driver hid/,
    )
    expect(error(['safe-outputs', '--pins', 'p', 'now'])).toMatch(/unexpected argument "now"/)
    expect(error(['safe-outputs', '--link', 'L'])).toMatch(/link/)
  })
})
