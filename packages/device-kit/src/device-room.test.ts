import {
  connectDevice,
  createIdentity,
  type DeviceMessage,
  type DeviceRoomConnection,
} from '@keyroom/room-client'
import { openDeviceStore, readAudit } from '@keyroom/room-client/device-store'
import { captureLogger, startTestRelay, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { joinDeviceRoom } from './device-room.js'
import { parseDevicesArgs, runDevicesCommand } from './devices.js'

describe('a receiver in its device room, through a real relay', () => {
  it("approves the window's device, audits actions (text as its length only) and refusals, and follows devices revoke", async () => {
    const relay = await startTestRelay()
    const dir = tempDir()
    const store = openDeviceStore(dir)
    const { logger } = captureLogger()
    expect(
      joinDeviceRoom({ configDir: dir, role: 'mac-receiver', name: 'mac', caps: { inject: true }, logger }),
    ).toBe(undefined)
    store.setRoom({ relay: relay.url, room: 'Qm9vb29vb29vb29vb29vbw' })
    const pairingSecret = store.openWindow(60)
    const room = joinDeviceRoom({
      configDir: dir,
      role: 'mac-receiver',
      name: 'mac',
      caps: { inject: true },
      logger,
      watchMs: 50,
    })
    if (!room) throw new Error('no room')
    onTestFinished(() => room.close())
    const link = {
      relay: relay.url,
      room: 'Qm9vb29vb29vb29vb29vbw',
      peer: store.identity().publicKey,
      pairingSecret,
    }
    const joined: DeviceRoomConnection[] = []
    const open = (name: string) => {
      const device = connectDevice({ link, identity: createIdentity(), role: 'keypad', name })
      onTestFinished(() => device.close())
      joined.push(device)
      const received: DeviceMessage[] = []
      device.on('message', (m) => received.push(m))
      const verdict = () => device.peers().find((p) => p.name === 'mac')?.status?.state
      return { device, received, verdict }
    }
    const phone = open('phone')
    await vi.waitFor(() => expect(phone.verdict()).toBe('approved'))
    await phone.device.deliver({ type: 'text', text: 'my password' })
    await phone.device.deliver({ type: 'chord', modifiers: ['MetaLeft'], code: 'KeyC' })
    await phone.device.deliver({ type: 'renew', codes: ['KeyC'] })
    const late = open('late phone')
    await vi.waitFor(() => expect(late.verdict()).toBe('pending'))
    await late.device.send({ type: 'key', code: 'KeyQ', phase: 'tap' })

    // `devices revoke` in another process: the room sees the store change and tells the phone at once.
    const revoke = parseDevicesArgs(['revoke', 'phone'], false)
    if (!revoke.ok) throw new Error(revoke.error.message)
    expect(runDevicesCommand(revoke.value, { configDir: dir, out: () => undefined })).toMatchObject({
      ok: true,
    })
    await vi.waitFor(() => expect(phone.verdict()).toBe('revoked'))
    await phone.device.send({ type: 'key', code: 'KeyX', phase: 'tap' })
    await vi.waitFor(() =>
      expect(phone.received.map((m) => m.body)).toContainEqual(
        expect.objectContaining({ type: 'notice', code: 'revoked' }),
      ),
    )

    const audit = readAudit(dir)
    const lines = audit.map((e) => [e.device, e.action, e.code ?? e.length ?? e.reason].join(' '))
    expect(lines).toEqual(
      expect.arrayContaining([
        'phone approved pairing-window',
        'phone text 11',
        'phone chord KeyC',
        'late phone pending handshake',
        'late phone refused not-approved',
        'phone revoked revoke',
        'phone refused revoked',
      ]),
    )
    expect(JSON.stringify(audit)).not.toContain('my password')
    // Lease renewals are upkeep, not actions: not in the log.
    expect(audit.map((e) => e.action)).not.toContain('renew')
  })
})

describe('an admin device manages the receiver from the keypad', () => {
  it('the first device paired by window lists, approves and revokes; any other gets not-permitted', async () => {
    const relay = await startTestRelay()
    const dir = tempDir()
    const store = openDeviceStore(dir)
    const roomId = 'Qm9vb29vb29vb29vb29vbw'
    store.setRoom({ relay: relay.url, room: roomId })
    const pairingSecret = store.openWindow(60)
    const { logger } = captureLogger()
    const room = joinDeviceRoom({
      configDir: dir,
      role: 'mac-receiver',
      name: 'mac',
      caps: { inject: true },
      logger,
    })
    if (!room) throw new Error('no room')
    onTestFinished(() => room.close())
    const link = { relay: relay.url, room: roomId, peer: store.identity().publicKey, pairingSecret }
    const open = (name: string) => {
      const device = connectDevice({ link, identity: createIdentity(), role: 'keypad', name })
      onTestFinished(() => device.close())
      const received: DeviceMessage[] = []
      device.on('message', (m) => received.push(m))
      const mac = () => device.peers().find((p) => p.name === 'mac')
      return { device, received, mac }
    }
    const admin = open('phone')
    await vi.waitFor(() => expect(admin.mac()?.status).toMatchObject({ state: 'approved', admin: true }))
    const other = open('tablet')
    await vi.waitFor(() => expect(other.mac()?.status?.state).toBe('pending'))

    const macId = admin.mac()?.id ?? ''
    await admin.device.manage(macId, { op: 'list' })
    await vi.waitFor(() =>
      expect(admin.mac()?.devices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'phone', state: 'approved', admin: true }),
          expect.objectContaining({ name: 'tablet', state: 'pending', code: other.mac()?.code }),
        ]),
      ),
    )
    const tablet = admin.mac()?.devices?.find((d) => d.name === 'tablet')
    await admin.device.manage(macId, { op: 'approve', fingerprint: tablet?.fingerprint ?? '' })
    await vi.waitFor(() => expect(other.mac()?.status?.state).toBe('approved'))

    // A device that is not admin asks too: refused with a notice, nothing changes.
    const adminFingerprint = admin.device.identity.fingerprint
    await other.device.manage(other.mac()?.id ?? '', { op: 'revoke', fingerprint: adminFingerprint })
    await vi.waitFor(() =>
      expect(other.received.map((m) => m.body)).toContainEqual(
        expect.objectContaining({
          type: 'notice',
          code: 'not-permitted',
          message: 'tablet may not manage the devices of mac',
        }),
      ),
    )
    expect(store.devices().find((d) => d.name === 'phone')?.state).toBe('approved')

    await admin.device.manage(macId, { op: 'revoke', fingerprint: tablet?.fingerprint ?? '' })
    await vi.waitFor(() => expect(other.mac()?.status?.state).toBe('revoked'))
    // Unknown devices are named in the refusal.
    await admin.device.manage(macId, { op: 'approve', fingerprint: 'AAAA-BBBB-CCCC-DDDD' })
    await vi.waitFor(() =>
      expect(admin.received.map((m) => m.body)).toContainEqual(
        expect.objectContaining({ type: 'notice', code: 'no-such-device' }),
      ),
    )
    expect(readAudit(dir).map((e) => `${e.device} ${e.action} ${e.reason ?? ''}`)).toEqual(
      expect.arrayContaining([
        `tablet approved by phone (${adminFingerprint})`,
        `tablet revoked by phone (${adminFingerprint})`,
      ]),
    )
  })
})
