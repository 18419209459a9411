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

  it('run takes no link: it joins the room stored by pair', () => {
    expect(parseCli(['run', '--link', '-'])).toMatchObject({
      ok: false,
      error: { message: 'run does not take --link' },
    })
    expect(parseCli(['run'], { KEYROOM_LINK: 'ignored' })).toEqual({
      ok: true,
      value: { kind: 'run', driver: 'nut' },
    })
  })

  it("pairs with a relay from the flag or the environment, or with another device's link from a file or stdin", () => {
    expect(parseCli(['pair', '--relay', 'http://r:4000', '--window', '120', '--name', 'desk'])).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://r:4000', windowSeconds: 120, name: 'desk' },
    })
    expect(parseCli(['pair'], { KEYROOM_RELAY: 'http://env' })).toEqual({
      ok: true,
      value: { kind: 'pair', relay: 'http://env' },
    })
    expect(parseCli(['pair', '--link-file', 'L'])).toEqual({
      ok: true,
      value: { kind: 'pair', link: { kind: 'file', path: 'L' } },
    })
    expect(parseCli(['pair', '--link', '-'])).toEqual({
      ok: true,
      value: { kind: 'pair', link: { kind: 'stdin' } },
    })
    expect(parseCli(['pair'])).toEqual({ ok: true, value: { kind: 'pair' } })
  })

  it('reads devices list|approve|revoke|log', () => {
    expect(parseCli(['devices', 'list', '--json'])).toEqual({
      ok: true,
      value: { kind: 'devices', action: 'list', json: true },
    })
    expect(parseCli(['devices', 'approve', '123 456'])).toEqual({
      ok: true,
      value: { kind: 'devices', action: 'approve', target: '123 456' },
    })
    expect(parseCli(['devices', 'revoke'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('name or fingerprint') },
    })
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
    expect(parseCli(['pair', '--link', 'https://k/#v=2&room=r'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('process list') },
    })
    expect(parseCli(['pair', '--window', '0'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('--window') },
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
