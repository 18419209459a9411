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
    expect(() => parseCli(['--pins', 'p', '--driver', 'gpiod'])).toThrow(/--driver must be onoff or sim/)
    expect(() => parseCli(['pair'])).toThrow(/--relay/)
    expect(() => parseCli(['dance'])).toThrow(/unknown command "dance"/)
    expect(() => parseCli(['--pins', 'p', '--bogus'])).toThrow(/bogus/)
  })
})
