import { describe, expect, it } from 'vitest'
import { parseCli } from './cli-args.js'

describe('command line', () => {
  it('runs with the stored pairing and the nut driver by default', () => {
    expect(parseCli([])).toEqual({ ok: true, value: { kind: 'run', driver: 'nut' } })
    expect(parseCli(['--', 'run', '--driver', 'log', '--name', 'studio'])).toEqual({
      ok: true,
      value: { kind: 'run', driver: 'log', name: 'studio' },
    })
  })

  it('takes the link from --link, else from KEYROOM_LINK (out of the process list)', () => {
    expect(parseCli(['run'], { KEYROOM_LINK: 'from-env' })).toEqual({
      ok: true,
      value: { kind: 'run', driver: 'nut', link: 'from-env' },
    })
    expect(parseCli(['run', '--link', 'flag'], { KEYROOM_LINK: 'from-env' })).toMatchObject({
      value: { link: 'flag' },
    })
  })

  it('pairs with a relay from the flag or the environment, or with a link', () => {
    expect(parseCli(['pair', '--relay', 'http://r:4000'])).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://r:4000' },
    })
    expect(parseCli(['pair'], { KEYROOM_RELAY: 'http://env' })).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://env' },
    })
    expect(parseCli(['pair', '--link', 'L'])).toEqual({ ok: true, value: { kind: 'pair', link: 'L' } })
  })

  it('reads install --dry-run and run --json', () => {
    expect(parseCli(['install', '--dry-run'])).toEqual({
      ok: true,
      value: { kind: 'install', driver: 'nut', dryRun: true },
    })
    expect(parseCli(['run', '--json'])).toEqual({
      ok: true,
      value: { kind: 'run', driver: 'nut', json: true },
    })
  })

  it('names every mistake', () => {
    expect(parseCli(['pair'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('--relay') },
    })
    expect(parseCli(['--driver', 'robot'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('robot') },
    })
    expect(parseCli(['launch'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('"launch"') },
    })
    expect(parseCli(['--bogus'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('bogus') },
    })
    expect(parseCli(['status', '--link', 'x'])).toMatchObject({
      ok: false,
      error: { message: 'status does not take --link' },
    })
    expect(parseCli(['run', '--name', ' '])).toMatchObject({ ok: false })
    expect(parseCli(['--help', 'whatever'])).toEqual({ ok: true, value: { kind: 'help' } })
    expect(parseCli(['help'])).toEqual({ ok: true, value: { kind: 'help' } })
  })
})
