import { describe, expect, it } from 'vitest'
import { parseCli } from './cli-args.js'

describe('cli args', () => {
  it("runs by default, also behind the root script's --", () => {
    expect(parseCli(['--', '--link', 'L', '--pins', 'p.json', '--driver', 'sim'])).toEqual({
      kind: 'run',
      link: 'L',
      pins: 'p.json',
      driver: 'sim',
    })
    expect(parseCli(['run', '--pins', 'p.json'])).toEqual({ kind: 'run', pins: 'p.json' })
  })

  it('reads pair and install', () => {
    expect(parseCli(['pair', '--relay', 'http://r'])).toEqual({ kind: 'pair', relay: 'http://r' })
    expect(parseCli(['install', '--pins', '/etc/p.json', '--user', 'door'])).toEqual({
      kind: 'install',
      pins: '/etc/p.json',
      user: 'door',
    })
  })

  it('gives usage errors that say what is wrong', () => {
    expect(() => parseCli(['run'])).toThrow(/--pins <file> is required/)
    expect(() => parseCli(['--pins', 'p', '--driver', 'gpiod'])).toThrow(/--driver must be onoff, sim or hid/)
    expect(() => parseCli(['pair'])).toThrow(/--relay/)
    expect(() => parseCli(['dance'])).toThrow(/unknown command "dance"/)
    expect(() => parseCli(['--pins', 'p', '--bogus'])).toThrow(/bogus/)
  })

  it('reads --driver hid with its settings, alone or beside pins, and the hid commands', () => {
    expect(parseCli(['--driver', 'hid', '--layout', '/etc/de.json', '--hid-device', '/dev/hidg3'])).toEqual({
      kind: 'run',
      driver: 'hid',
      hid: { layout: '/etc/de.json', devices: { keyboard: '/dev/hidg3' } },
    })
    expect(parseCli(['--driver', 'hid', '--pins', 'p.json', '--hid-mouse-device', '/dev/m'])).toEqual({
      kind: 'run',
      driver: 'hid',
      pins: 'p.json',
      hid: { devices: { mouse: '/dev/m' } },
    })
    expect(parseCli(['hid', 'setup', '--configfs-root', '/tmp/c', '--udc', 'x.usb'])).toEqual({
      kind: 'hid',
      action: 'setup',
      configfsRoot: '/tmp/c',
      udc: 'x.usb',
    })
    expect(parseCli(['hid', 'teardown'])).toEqual({ kind: 'hid', action: 'teardown' })
    expect(parseCli(['install', '--driver', 'hid', '--layout', 'us'])).toEqual({
      kind: 'install',
      driver: 'hid',
      layout: 'us',
    })
  })

  it('refuses hid settings without --driver hid and an unknown hid action', () => {
    expect(() => parseCli(['--pins', 'p', '--layout', 'us'])).toThrow(/--layout needs --driver hid/)
    expect(() => parseCli(['--pins', 'p', '--hid-device', '/dev/hidg0'])).toThrow(
      /--hid-device needs --driver hid/,
    )
    expect(() => parseCli(['hid'])).toThrow(/hid needs setup or teardown$/)
    expect(() => parseCli(['hid', 'frobnicate'])).toThrow(/hid needs setup or teardown, not "frobnicate"/)
    expect(() => parseCli(['hid', 'setup', 'now'])).toThrow(/unexpected argument "now"/)
  })
})
