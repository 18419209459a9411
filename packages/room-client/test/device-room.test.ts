// Protocol v2 end to end through a real relay: identities, the SIGMA-I handshake, approval by pairing window, by code
// and by fingerprint, revocation, permissions, and what the relay and other members can and cannot do.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  fromBase64url,
  KEYROOM_EVENT,
  RelayEvent,
  type Role,
  roomCredential,
  toBase64url,
} from '@keyroom/key-events'
import { startTestRelay } from '@keyroom/test-kit'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { connectDevice } from '../src/connect-device.js'
import { createRoomId, formatDeviceLink, parseDeviceLink } from '../src/device-link.js'
import { openDeviceStore } from '../src/device-store.js'
import type {
  ConnectDeviceOptions,
  DeviceLink,
  DeviceMessage,
  DeviceRejection,
  DeviceRoomConnection,
} from '../src/device-types.js'
import { createIdentity } from '../src/identity.js'

type Device = DeviceRoomConnection & { received: DeviceMessage[]; rejected: DeviceRejection[] }

async function device(
  link: DeviceLink,
  role: Role,
  name: string,
  extra: Partial<ConnectDeviceOptions> = {},
): Promise<Device> {
  const room = connectDevice({ link, role, name, identity: createIdentity(), ...extra })
  const received: DeviceMessage[] = []
  const rejected: DeviceRejection[] = []
  room.on('message', (m) => received.push(m))
  room.on('reject', (r) => rejected.push(r))
  onTestFinished(() => room.close())
  await vi.waitFor(() => expect(room.state).toBe('connected'))
  return Object.assign(room, { received, rejected })
}

/**
 * A plain socket.io client in the room: what the relay (or anyone with the link's room secret, who can prove the
 * join credential) sees and can send.
 */
async function spy(url: string, roomSecret: string) {
  const socket: Socket = io(url, { transports: ['websocket'] })
  onTestFinished(() => {
    socket.disconnect()
  })
  const seen: Array<Record<string, unknown>> = []
  socket.on(KEYROOM_EVENT, (payload: Record<string, unknown>) => seen.push(payload))
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  const credential = roomCredential(fromBase64url(roomSecret) ?? new Uint8Array())
  const roomName = credential.room
  await new Promise<void>((resolve) =>
    socket.emit(RelayEvent.joinRoom, { roomName, proof: credential.prove(socket.id ?? '') }, () => resolve()),
  )
  const inject = (payload: unknown) =>
    new Promise<unknown>((resolve) =>
      socket.emit(RelayEvent.broadcast, { roomName, eventName: KEYROOM_EVENT, payload }, resolve),
    )
  return { seen, inject }
}

/** A receiver with a device store in a fresh folder and a link for new devices. */
async function receiver(
  url: string,
  options: { window?: number; dir?: string; room?: string; caps?: ConnectDeviceOptions['caps'] } = {},
) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'keyroom-store-'))
  const store = openDeviceStore(dir)
  const identity = store.identity()
  const room = options.room ?? createRoomId()
  const secret = options.window === undefined ? undefined : store.openWindow(options.window)
  const link: DeviceLink = {
    relay: url,
    room,
    peer: identity.publicKey,
    name: 'studio',
    ...(secret ? { pairingSecret: secret } : {}),
  }
  const conn = await device(link, 'mac-receiver', 'studio', {
    identity,
    gate: store.gate(),
    caps: options.caps ?? { inject: true },
  })
  return { dir, store, link, conn }
}

const keysOf = (d: Device) => d.received.filter((m) => m.body.type === 'key').map((m) => m.body)
const noticesOf = (d: Device) => d.received.flatMap((m) => (m.body.type === 'notice' ? [m.body.code] : []))

describe('devices approved and revoked, through a real relay', () => {
  it('inside the pairing window a device presenting the secret is approved; the relay sees no names, keys or sizes', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const watcher = await spy(url, r.link.room)
    const keypad = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(keypad.peers()[0]?.status?.state).toBe('approved'))
    await keypad.send({ type: 'key', code: 'KeyQ', phase: 'tap' })
    await keypad.send({ type: 'text', text: 'a much longer piece of text than one key '.repeat(8) })
    await vi.waitFor(() => expect(r.conn.received.map((m) => m.body.type)).toEqual(['key', 'text']))
    expect(r.conn.received[0]?.device).toMatchObject({
      name: 'phone',
      fingerprint: keypad.identity.fingerprint,
    })
    expect(r.store.devices()).toMatchObject([{ name: 'phone', state: 'approved', via: 'pairing-window' }])
    // The store holds a private key: this user only.
    expect(statSync(r.store.file).mode & 0o777).toBe(0o600)

    const wire = JSON.stringify(watcher.seen)
    for (const secret of ['phone', 'studio', 'KeyQ', 'longer', keypad.identity.fingerprint])
      expect(wire).not.toContain(secret)
    const sizes = new Set(watcher.seen.filter((f) => f.k === 'msg').map((f) => String(f.ciphertext).length))
    expect(sizes.size).toBe(1)
  })

  it('after the window (or once its secret is used) a device waits as pending with the same code on both sides, until approved by code', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const first = await device(r.link, 'keypad', 'first phone')
    await vi.waitFor(() => expect(first.peers()[0]?.status?.state).toBe('approved'))
    // The same link again: its secret was single-use.
    const late = await device(r.link, 'keypad', 'late phone')
    await vi.waitFor(() => expect(late.peers()[0]?.status?.state).toBe('pending'))
    const code = late.peers()[0]?.status?.code
    expect(code).toMatch(/^\d{6}$/)
    expect(late.peers()[0]?.code).toBe(code)
    expect(r.store.devices().find((d) => d.name === 'late phone')).toMatchObject({ state: 'pending', code })

    await late.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    await vi.waitFor(() => expect(noticesOf(late)).toEqual(['not-approved']))
    expect(keysOf(r.conn)).toEqual([])

    expect(r.store.approve('000000')).toMatchObject({ ok: false, error: { code: 'no-such-device' } })
    expect(r.store.approve(String(code))).toMatchObject({
      ok: true,
      value: { state: 'approved', via: 'code' },
    })
    r.conn.reconsider()
    await vi.waitFor(() => expect(late.peers()[0]?.status?.state).toBe('approved'))
    await late.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    await vi.waitFor(() => expect(keysOf(r.conn)).toEqual([{ type: 'key', code: 'KeyA', phase: 'tap' }]))
  })

  it('an expired window approves nothing', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 0 })
    const keypad = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(keypad.peers()[0]?.status?.state).toBe('pending'))
    await keypad.send({ type: 'key', code: 'KeyB', phase: 'tap' })
    await vi.waitFor(() => expect(noticesOf(keypad)).toEqual(['not-approved']))
    expect(keysOf(r.conn)).toEqual([])
  })

  it('a revoked device gets nothing accepted, its held keys are let go, and it cannot open what others send after', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const phone = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.state).toBe('approved'))
    const tablet = await device({ ...r.link, pairingSecret: r.store.openWindow(60) }, 'keypad', 'tablet')
    await vi.waitFor(() =>
      expect(tablet.peers().find((p) => p.name === 'studio')?.status?.state).toBe('approved'),
    )
    const left: string[] = []
    r.conn.on('peer-left', (p) => left.push(p.name))

    expect(r.store.revoke('phone')).toMatchObject({ ok: true, value: { state: 'revoked' } })
    r.conn.reconsider()
    await vi.waitFor(() =>
      expect(phone.peers().find((p) => p.name === 'studio')?.status?.state).toBe('revoked'),
    )
    expect(left).toEqual(['phone'])
    await phone.send({ type: 'key', code: 'KeyR', phase: 'tap' })
    await vi.waitFor(() => expect(noticesOf(phone)).toContain('revoked'))
    await tablet.send({ type: 'key', code: 'KeyT', phase: 'tap' })
    await vi.waitFor(() => expect(keysOf(r.conn)).toEqual([{ type: 'key', code: 'KeyT', phase: 'tap' }]))
    // The tablet's key went to the receiver only, sealed for it: the revoked phone heard nothing it could open.
    expect(phone.received.filter((m) => m.body.type === 'key')).toEqual([])
    // Reconnecting does not help: the store remembers, across a restart too.
    const again = await device(r.link, 'keypad', 'phone', { identity: phone.identity })
    await vi.waitFor(() =>
      expect(again.peers().find((p) => p.name === 'studio')?.status?.state).toBe('revoked'),
    )
    expect(
      openDeviceStore(r.dir)
        .devices()
        .find((d) => d.name === 'phone')?.state,
    ).toBe('revoked')
  })

  it('approvals survive a restart of the receiver', async () => {
    const { url } = await startTestRelay()
    const first = await receiver(url, { window: 60 })
    const keypad = await device(first.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(keypad.peers()[0]?.status?.state).toBe('approved'))
    await first.conn.close()
    const restarted = await receiver(url, { dir: first.dir, room: first.link.room })
    await vi.waitFor(() =>
      expect(keypad.peers().find((p) => p.name === 'studio')?.status?.state).toBe('approved'),
    )
    await keypad.send({ type: 'key', code: 'KeyS', phase: 'tap' })
    await vi.waitFor(() =>
      expect(keysOf(restarted.conn)).toEqual([{ type: 'key', code: 'KeyS', phase: 'tap' }]),
    )
  })

  it('one member cannot forge, replay or lock out another', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const watcher = await spy(url, r.link.room)
    const phone = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.state).toBe('approved'))
    await phone.send({ type: 'key', code: 'KeyP', phase: 'tap' })
    await vi.waitFor(() => expect(keysOf(r.conn)).toHaveLength(1))
    const phoneFrame = watcher.seen.filter((f) => f.k === 'msg' && f.from === phone.id).at(-1)
    // A replay of the phone's own frame.
    await watcher.inject(phoneFrame)
    await vi.waitFor(() => expect(r.conn.rejected.map((x) => x.reason)).toContain('replayed'))
    // Another approved member sends under the phone's session id: it cannot seal for the phone's session.
    const mallory = await device({ ...r.link, pairingSecret: r.store.openWindow(60) }, 'keypad', 'mallory')
    await vi.waitFor(() =>
      expect(mallory.peers().find((p) => p.name === 'studio')?.status?.state).toBe('approved'),
    )
    const mallorys = watcher.seen
      .filter((f) => f.k === 'msg' && f.from === mallory.id && f.to === r.conn.id)
      .at(-1)
    await watcher.inject({ ...mallorys, from: phone.id })
    await vi.waitFor(() => expect(r.conn.rejected.map((x) => x.reason)).toContain('cannot-open'))
    // The phone is unaffected.
    await phone.send({ type: 'key', code: 'KeyO', phase: 'tap' })
    await vi.waitFor(() =>
      expect(keysOf(r.conn).map((k) => k.type === 'key' && k.code)).toEqual(['KeyP', 'KeyO']),
    )
    expect(r.conn.received.every((m) => m.device.name !== 'phone' || m.from === phone.id)).toBe(true)
  })

  it('reflected, replayed and malformed handshakes and frames get specific reasons', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const watcher = await spy(url, r.link.room)
    const phone = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.state).toBe('approved'))
    const hs3 = watcher.seen.find((f) => f.k === 'hs3')
    await watcher.inject(hs3)
    await vi.waitFor(() => expect(r.conn.rejected.map((x) => x.reason)).toContain('unknown-handshake'))
    // The receiver's own hs1 reflected back under another session id, then its answer reflected to it.
    const ownHs1 = { v: 2, k: 'hs1', from: 'AAAAAAAAAAAAAAAAAAAAAA', e: 'A'.repeat(43) }
    await watcher.inject({ ...ownHs1, e: (watcher.seen.find((f) => f.k === 'hs2') as { e: string }).e })
    await watcher.inject({ v: 1, nonce: 'x'.repeat(32), ciphertext: 'abc' })
    await watcher.inject({ v: 2, k: 'msg', from: 'nope' })
    await watcher.inject('garbage')
    await vi.waitFor(() => {
      const reasons = r.conn.rejected.map((x) => x.reason)
      expect(reasons).toContain('unsupported-version')
      expect(reasons).toContain('invalid-frame')
    })
    expect(r.conn.rejected.find((x) => x.reason === 'unsupported-version')?.message).toContain(
      'older keyroom: pair again',
    )
    expect(r.conn.peers().map((p) => p.name)).toEqual(['phone'])
    await phone.send({ type: 'key', code: 'KeyK', phase: 'tap' })
    await vi.waitFor(() => expect(keysOf(r.conn)).toHaveLength(1))
  })

  it('permissions refuse with a notice: view-only, action kinds, key allowlists, forbidden chords (as a chord or held keys)', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60, caps: { inject: true, pointer: true } })
    const phone = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.state).toBe('approved'))
    await vi.waitFor(() => expect(phone.peers()[0]?.caps.pointer).toBe(true))
    r.store.setPermissions('phone', { actions: ['key', 'chord'], forbiddenChords: ['Cmd+KeyQ'] })
    r.conn.reconsider()
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.permissions).toBeDefined())
    await phone.send({ type: 'text', text: 'hi' })
    await phone.send({ type: 'chord', modifiers: ['MetaRight'], code: 'KeyQ' })
    await phone.send({ type: 'key', code: 'MetaLeft', phase: 'down' })
    await phone.send({ type: 'key', code: 'KeyQ', phase: 'tap' })
    await phone.send({ type: 'key', code: 'MetaLeft', phase: 'up' })
    await phone.send({ type: 'key', code: 'KeyQ', phase: 'tap' })
    await phone.send({ type: 'move', dx: 5, dy: 5 })
    await vi.waitFor(() =>
      expect(noticesOf(phone)).toEqual(['not-permitted', 'not-permitted', 'not-permitted', 'not-permitted']),
    )
    expect(r.conn.received.map((m) => m.body)).toEqual([
      { type: 'key', code: 'MetaLeft', phase: 'down' },
      { type: 'key', code: 'MetaLeft', phase: 'up' },
      { type: 'key', code: 'KeyQ', phase: 'tap' },
    ])
    r.store.setPermissions('phone', { viewOnly: true })
    r.conn.reconsider()
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.permissions?.viewOnly).toBe(true))
    await phone.send({ type: 'key', code: 'KeyV', phase: 'tap' })
    await vi.waitFor(() => expect(noticesOf(phone)).toHaveLength(5))
    expect(phone.received.at(-1)?.body).toMatchObject({
      code: 'not-permitted',
      message: 'this device is view-only here',
    })
  })

  it("an outsider without the link's room secret cannot join the room at the relay (join credential)", async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const credential = roomCredential(fromBase64url(r.link.room) ?? new Uint8Array())
    // The relay room is the credential's public key, never the secret itself.
    expect(credential.room).toMatch(/^k1\./)
    expect(credential.room).not.toContain(r.link.room)
    const outsider: Socket = io(url, { transports: ['websocket'] })
    onTestFinished(() => {
      outsider.disconnect()
    })
    await new Promise<void>((resolve) => outsider.once('connect', () => resolve()))
    const join = (request: unknown) =>
      new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
        outsider.emit(RelayEvent.joinRoom, request, resolve),
      )
    expect(await join(credential.room)).toMatchObject({ ok: false, error: { code: 'proof-required' } })
    const guessed = roomCredential(new Uint8Array(16).fill(1))
    expect(await join({ roomName: credential.room, proof: guessed.prove(outsider.id ?? '') })).toMatchObject({
      ok: false,
      error: { code: 'invalid-proof' },
    })
    // Who has the link joins, and is approved by its window.
    const keypad = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(keypad.peers()[0]?.status?.state).toBe('approved'))
    expect(r.conn.members()).toBe(2)
  })

  it('receipts: deliver() says which receivers got an action and which refused it; pointer actions only go to pointer receivers', async () => {
    const { url } = await startTestRelay()
    const mac = await receiver(url, { window: 60 })
    const pi = await receiver(url, { window: 60, room: mac.link.room })
    const keypad = await device(mac.link, 'keypad', 'phone', {
      trusted: [
        {
          key: pi.link.peer ?? new Uint8Array(),
          ...(pi.link.pairingSecret ? { pairingSecret: pi.link.pairingSecret } : {}),
        },
      ],
    })
    await vi.waitFor(() =>
      expect(keypad.peers().map((p) => p.status?.state)).toEqual(['approved', 'approved']),
    )
    const tap = await keypad.deliver({ type: 'key', code: 'KeyA', phase: 'tap' })
    expect(tap.sent).toEqual({ ok: true })
    expect(new Set(tap.delivered)).toEqual(new Set(keypad.peers().map((p) => p.id)))
    expect(tap.missing).toEqual([])
    // The Pi refuses text by its permissions: a receipt says lost, with the reason, and a notice says why.
    expect(pi.store.setPermissions('phone', { actions: ['key'] })).toMatchObject({ ok: true })
    pi.conn.reconsider()
    const piSid = keypad.peers().find((p) => p.key === toBase64url(pi.link.peer ?? new Uint8Array()))?.id
    await vi.waitFor(() =>
      expect(keypad.peers().find((p) => p.id === piSid)?.status).toMatchObject({
        permissions: { actions: ['key'] },
      }),
    )
    const text = await keypad.deliver({ type: 'text', text: 'hi' })
    expect(text.lost).toEqual([{ peer: piSid, reason: 'not-permitted' }])
    expect(text.delivered).toHaveLength(1)
    // Neither announces a pointer: a move goes nowhere (each receiver costs a frame per action).
    const before = mac.conn.received.length + pi.conn.received.length
    await keypad.send({ type: 'move', dx: 5, dy: 5 })
    await keypad.deliver({ type: 'key', code: 'KeyB', phase: 'tap' })
    expect(mac.conn.received.length + pi.conn.received.length - before).toBe(2)
    expect([...mac.conn.received, ...pi.conn.received].map((m) => m.body.type)).not.toContain('move')
  })

  it('a wrong pairing secret pairs nothing, a replayed pairing message is refused, a broken store is named', async () => {
    const { url } = await startTestRelay()
    const r = await receiver(url, { window: 60 })
    const watcher = await spy(url, r.link.room)
    // The right room and receiver, the wrong secret: it waits as pending, and the window stays open for the right one.
    const guesser = await device(
      { ...r.link, pairingSecret: new Uint8Array(16).fill(3) },
      'keypad',
      'guesser',
    )
    await vi.waitFor(() => expect(guesser.peers()[0]?.status?.state).toBe('pending'))
    const phone = await device(r.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers()[0]?.status?.state).toBe('approved'))
    // The phone's session messages to the receiver, its pairing proof among them, sent again: replays, refused.
    const toReceiver = watcher.seen.filter((f) => f.k === 'msg' && f.from === phone.id && f.to === r.conn.id)
    expect(toReceiver.length).toBeGreaterThan(0)
    const before = r.conn.rejected.length
    for (const frame of toReceiver) await watcher.inject(frame)
    await vi.waitFor(() => expect(r.conn.rejected.length - before).toBe(toReceiver.length))
    expect(new Set(r.conn.rejected.slice(before).map((x) => x.reason))).toEqual(new Set(['replayed']))
    expect(
      openDeviceStore(r.dir)
        .devices()
        .map((d) => [d.name, d.state]),
    ).toEqual([
      ['guesser', 'pending'],
      ['phone', 'approved'],
    ])
    // A store that is not one, and an identity key of the wrong size, are named, not used.
    const broken = mkdtempSync(join(tmpdir(), 'keyroom-store-'))
    writeFileSync(join(broken, 'devices.json'), '{"version":1,"devices":[]}')
    expect(() => openDeviceStore(broken).devices()).toThrow(/is not a keyroom device store \(version 2\)/)
    writeFileSync(join(broken, 'devices.json'), '{"version":2,"identity":"AAAA","devices":[],"trusted":[]}')
    expect(() => openDeviceStore(broken).identity()).toThrow(/the identity key is not 32 bytes/)
  })

  it('links: version 2 round-trips; a version 1 link says to pair again', () => {
    const link: DeviceLink = {
      relay: 'http://127.0.0.1:7300',
      room: createRoomId(),
      peer: createIdentity().publicKey,
      name: 'studio',
    }
    expect(parseDeviceLink(formatDeviceLink(link))).toEqual({ ok: true, value: link })
    expect(
      parseDeviceLink('http://x/#relay=http%3A%2F%2Fx&room=Qm9vb29vb29vb29vb29vbw&key=abc'),
    ).toMatchObject({
      ok: false,
      error: { code: 'older-link', message: 'this link is from an older keyroom: pair again' },
    })
    const text = formatDeviceLink(link)
    expect(parseDeviceLink(text.replace(/peer=[^&]+/, 'peer=short'))).toMatchObject({
      ok: false,
      error: { path: 'peer' },
    })
    expect(parseDeviceLink(`${text}&ps=tooshort`)).toMatchObject({ ok: false, error: { path: 'ps' } })
    expect(parseDeviceLink(text.replace('v=2', 'v=3'))).toMatchObject({ ok: false, error: { path: 'v' } })
  })
})
