import { describe, expect, it } from 'vitest'
import { parseCli } from './cli-args.js'

const error = (argv: string[]) => {
  const parsed = parseCli(argv)
  return parsed.ok ? 'parsed' : parsed.error.message
}

describe('cli args', () => {
  it("runs by default, also behind the root script's --", () => {
    expect(parseCli(['--', '--link', 'L', '--pins', 'p.json', '--driver', 'sim'])).toEqual({
      ok: true,
      value: { kind: 'run', link: 'L', pins: 'p.json', driver: 'sim' },
    })
    expect(parseCli(['run', '--pins', 'p.json'])).toEqual({
      ok: true,
      value: { kind: 'run', pins: 'p.json' },
    })
  })

  it('reads pair and install, uninstall and status', () => {
    expect(parseCli(['pair', '--relay', 'http://r'])).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://r' },
    })
    expect(parseCli(['install', '--pins', '/etc/p.json', '--user', 'door'])).toEqual({
      ok: true,
      value: { kind: 'install', pins: '/etc/p.json', user: 'door' },
    })
    expect(parseCli(['uninstall'])).toEqual({ ok: true, value: { kind: 'uninstall' } })
    expect(parseCli(['status'])).toEqual({ ok: true, value: { kind: 'status' } })
  })

  it('gives usage errors that say what is wrong', () => {
    expect(error(['run'])).toMatch(/--pins <file> is required/)
    expect(error(['--pins', 'p', '--driver', 'gpiod'])).toMatch(/--driver must be onoff or sim/)
    expect(error(['pair'])).toMatch(/--relay/)
    expect(error(['dance'])).toMatch(/unknown command "dance"/)
    expect(error(['--pins', 'p', '--bogus'])).toMatch(/bogus/)
    expect(error(['toString'])).toMatch(/unknown command "toString"/)
  })
})
