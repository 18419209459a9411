import { createIdentity, fingerprint, verificationCode } from '@keyroom/room-client'
import { openDeviceStore, readAudit } from '@keyroom/room-client/device-store'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { parseDevicesArgs, parseDevicesCommand, runDevicesCommand } from './devices.js'

/** A store that has seen a phone (approved in the window) and a tablet (pending), as the gate leaves them. */
function storeWithDevices() {
  const dir = tempDir()
  const store = openDeviceStore(dir)
  const me = store.identity()
  const secret = store.openWindow(60)
  const seen = (name: string) => {
    const key = createIdentity().publicKey
    return {
      key,
      name,
      role: 'keypad' as const,
      fingerprint: fingerprint(key),
      code: verificationCode(me.publicKey, key),
    }
  }
  const phone = seen('phone')
  const tablet = seen('tablet')
  const gate = store.gate()
  expect(gate(phone, (s) => s.every((b, i) => b === secret[i]))).toMatchObject({ state: 'approved' })
  expect(gate(tablet)).toMatchObject({ state: 'pending' })
  const out: string[] = []
  const run = (argv: string[]) => {
    const parsed = parseDevicesCommand(argv)
    if (!parsed.ok) return parsed
    return runDevicesCommand(parsed.value, {
      configDir: dir,
      out: (t) => void out.push(t),
      now: Date.UTC(2026, 11, 2),
    })
  }
  return { dir, phone, tablet, run, out, text: () => out.join('') }
}

describe('devices list | approve | revoke | log', () => {
  it('lists name, fingerprint and state (pending with its code), as text and as JSON', () => {
    const { phone, tablet, run, out, text } = storeWithDevices()
    expect(run(['list'])).toEqual({ ok: true, value: undefined })
    expect(text()).toMatch(/^this device: [0-9A-Z]{4}(-[0-9A-Z]{4}){3}\n/)
    expect(text()).toContain(`phone                    ${phone.fingerprint}  approved  keypad`)
    expect(text()).toContain(
      `${tablet.fingerprint}  pending (code ${tablet.code.slice(0, 3)} ${tablet.code.slice(3)})`,
    )
    out.length = 0
    expect(run(['list', '--json'])).toMatchObject({ ok: true })
    expect(JSON.parse(text())).toEqual([
      expect.objectContaining({
        name: 'phone',
        fingerprint: phone.fingerprint,
        state: 'approved',
        via: 'pairing-window',
      }),
      expect.objectContaining({
        name: 'tablet',
        fingerprint: tablet.fingerprint,
        state: 'pending',
        code: tablet.code,
      }),
    ])
  })

  it('approves by code or fingerprint, revokes by name or fingerprint, and logs both', () => {
    const { dir, phone, tablet, run, text } = storeWithDevices()
    expect(run(['approve', `${tablet.code.slice(0, 3)} ${tablet.code.slice(3)}`])).toMatchObject({ ok: true })
    expect(text()).toContain(`approved tablet (${tablet.fingerprint})`)
    expect(run(['revoke', 'phone'])).toMatchObject({ ok: true })
    expect(run(['approve', phone.fingerprint.toLowerCase()])).toMatchObject({ ok: true })
    expect(run(['revoke', tablet.fingerprint])).toMatchObject({ ok: true })
    expect(
      openDeviceStore(dir)
        .devices()
        .map((d) => [d.name, d.state]),
    ).toEqual([
      ['phone', 'approved'],
      ['tablet', 'revoked'],
    ])
    expect(readAudit(dir).map((e) => `${e.device} ${e.action} ${e.reason}`)).toEqual([
      'tablet approved code',
      'phone revoked revoke',
      'phone approved fingerprint',
      'tablet revoked revoke',
    ])
    expect(run(['log'])).toMatchObject({ ok: true })
    expect(text()).toContain(`2026-12-02T00:00:00.000Z  tablet (${tablet.fingerprint})  approved code`)
  })

  it('names every mistake: a wrong code, an unknown name, a missing or extra argument, an unknown action', () => {
    const { run } = storeWithDevices()
    expect(run(['approve', '000000'])).toMatchObject({
      ok: false,
      error: {
        code: 'no-such-device',
        message: 'no pending device has code or fingerprint "000000" (see devices list)',
      },
    })
    expect(run(['revoke', 'nobody'])).toMatchObject({
      ok: false,
      error: { code: 'no-such-device', message: 'no device is named or has the fingerprint "nobody"' },
    })
    expect(run(['approve'])).toMatchObject({
      ok: false,
      error: { code: 'usage', message: 'devices approve needs the code or fingerprint of a device' },
    })
    expect(run(['revoke', 'a', 'b'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('"b"') },
    })
    expect(run(['list', 'x'])).toMatchObject({
      ok: false,
      error: { message: 'devices list takes no argument' },
    })
    expect(run(['drop'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('unknown devices command "drop"') },
    })
    expect(run([])).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^devices list \[--json\]/) },
    })
    expect(parseDevicesArgs(['approve', '1'], true)).toMatchObject({
      ok: false,
      error: { message: 'devices approve does not take --json' },
    })
  })

  it('permit scopes what a device may send and whether it is admin; --all gives everything back; each is logged', () => {
    const { dir, phone, run, text } = storeWithDevices()
    const stored = () =>
      openDeviceStore(dir)
        .devices()
        .find((d) => d.name === 'phone')
    // The first device approved through a window is admin.
    expect(stored()?.admin).toBe(true)
    expect(
      run([
        'permit',
        'phone',
        '--actions',
        'key,chord',
        '--keys',
        'KeyA,ShiftLeft',
        '--forbid',
        'Meta+KeyQ',
        '--no-admin',
      ]),
    ).toMatchObject({ ok: true })
    expect(text()).toContain(
      `phone (${phone.fingerprint}): actions key,chord; keys KeyA,ShiftLeft; never Meta+KeyQ\n`,
    )
    expect(stored()).toMatchObject({
      permissions: { actions: ['key', 'chord'], keys: ['KeyA', 'ShiftLeft'], forbiddenChords: ['Meta+KeyQ'] },
    })
    expect(stored()?.admin).toBeUndefined()
    // --admin alone keeps what it may send, whichever way the fingerprint is spelled.
    expect(run(['permit', phone.fingerprint.toLowerCase(), '--admin'])).toMatchObject({ ok: true })
    expect(stored()).toMatchObject({ admin: true, permissions: { actions: ['key', 'chord'] } })
    expect(run(['list'])).toMatchObject({ ok: true })
    expect(text()).toContain('keypad  actions key,chord; keys KeyA,ShiftLeft; never Meta+KeyQ; admin')
    expect(run(['permit', 'phone', '--view-only'])).toMatchObject({ ok: true })
    expect(stored()?.permissions).toEqual({ viewOnly: true })
    expect(run(['permit', 'phone', '--all'])).toMatchObject({ ok: true })
    expect(stored()?.permissions).toBeUndefined()
    expect(readAudit(dir).map((e) => `${e.action}: ${e.reason}`)).toEqual([
      'permissions: actions key,chord; keys KeyA,ShiftLeft; never Meta+KeyQ',
      'permissions: actions key,chord; keys KeyA,ShiftLeft; never Meta+KeyQ; admin',
      'permissions: view-only; admin',
      'permissions: everything; admin',
    ])
  })

  it('permit names every mistake', () => {
    const { run } = storeWithDevices()
    const usage = (argv: string[]) => {
      const result = run(argv)
      return result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`
    }
    expect(usage(['permit'])).toBe('usage: devices permit needs the name or fingerprint of a device')
    expect(usage(['permit', 'phone'])).toBe(
      'usage: devices permit needs what to allow: --view-only, --actions, --keys, --forbid, --admin or --all',
    )
    expect(usage(['permit', 'phone', '--all', '--view-only'])).toBe(
      'usage: --all allows everything: it does not go with --view-only',
    )
    expect(usage(['permit', 'phone', '--admin', '--no-admin'])).toBe(
      'usage: give --admin or --no-admin, not both',
    )
    expect(usage(['permit', 'phone', '--forbid', 'KeyQ'])).toBe(
      'usage: --forbid: "KeyQ" is not a chord like Meta+KeyQ',
    )
    expect(usage(['permit', 'phone', '--keys', 'KeyA,Banana'])).toMatch(/^usage: --keys: /)
    expect(usage(['permit', 'phone', '--actions', 'mouse'])).toMatch(/^usage: --actions: /)
    expect(usage(['permit', 'phone', '--colour', 'red'])).toMatch(/^usage: Unknown option '--colour'/)
    expect(usage(['list', '--view-only'])).toBe('usage: only devices permit takes --view-only')
    expect(usage(['permit', 'phone', 'tablet', '--all'])).toMatch(/^usage: unexpected argument "tablet"/)
    expect(usage(['permit', 'nobody', '--all'])).toBe(
      'no-such-device: no device is named or has the fingerprint "nobody"',
    )
  })
})
