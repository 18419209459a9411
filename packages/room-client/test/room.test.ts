import { fromBase64url, type KeyAction, roomCredential, toBase64url } from '@keyroom/key-events'
import { roomKey } from '@keyroom/relay'
import {
  joinAsDevice,
  joinAsReceiver,
  joinAsRoomMember,
  keyActions,
  pairDeviceDir,
  type RoomFrame,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'

type Msg = RoomFrame & { nonce: string; ciphertext: string }
const msgsFrom = (captured: RoomFrame[], from: string, to: string) =>
  captured.filter((f): f is Msg => f.k === 'msg' && f.from === from && f.to === to)

describe('room-client (per-device sessions) through a real relay', () => {
  it('a keypad and a receiver exchange key events in order, with presence, capabilities and latency', async () => {
    const { url } = await startTestRelay()
    const mac = pairDeviceDir(url, { name: 'studio mac' })
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'studio mac', {
      caps: { inject: true, platform: 'darwin' },
    })
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'studio mac', 'approved')
    await waitForDevice(receiver, 'phone')

    expect(keypad.peers()).toEqual([
      expect.objectContaining({
        role: 'mac-receiver',
        name: 'studio mac',
        trusted: true,
        // Receivers acknowledge what they get, and say so.
        caps: { inject: true, platform: 'darwin', receipts: true },
      }),
    ])
    const actions = [
      { type: 'key', code: 'ShiftLeft', phase: 'down' },
      { type: 'key', code: 'KeyQ', phase: 'tap' },
      { type: 'key', code: 'ShiftLeft', phase: 'up' },
      { type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' },
      { type: 'text', text: 'héllo, wörld €' },
      { type: 'release-all' },
    ] satisfies KeyAction[]
    for (const action of actions) expect(await keypad.send(action)).toEqual({ ok: true })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toEqual(actions))
    const seqs = receiver.received.filter((m) => m.from === keypad.id).map((m) => m.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(receiver.received.every((m) => m.device.fingerprint === keypad.identity.fingerprint)).toBe(true)

    const rtts = await keypad.ping(500)
    expect(rtts.get(receiver.id)).toBeGreaterThanOrEqual(0)
    expect(receiver.rejected).toEqual([])
  })

  // Only who has the link reaches the room at the relay (test/issue-11-join-credential.test.ts); among those, a
  // member without a session with the receiver sees ciphertext only and cannot get anything accepted.
  it('a member of the room sees no plaintext; replayed, reordered, truncated, flipped and older-keyroom frames are refused', async () => {
    const { url } = await startTestRelay()
    const mac = pairDeviceDir(url, { name: 'mac' })
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    const attacker = await joinAsRoomMember(url, mac.link.room)
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'mac', 'approved')

    await keypad.send({ type: 'key', code: 'KeyQ', phase: 'down' })
    await keypad.send({ type: 'text', text: 'secret-password' })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toHaveLength(2))
    const wire = JSON.stringify(attacker.captured)
    for (const plaintext of ['KeyQ', 'secret-password', 'phone', 'mac-receiver', 'hello']) {
      expect(wire).not.toContain(plaintext)
    }

    const [earlier, later] = msgsFrom(attacker.captured, keypad.id, receiver.id).slice(-2) as [Msg, Msg]
    const flipped = fromBase64url(later.ciphertext) as Uint8Array
    flipped[3] = (flipped[3] as number) ^ 1
    const attempts: [unknown, string][] = [
      [later, 'replayed'],
      [earlier, 'replayed'], // reordered: an older message after a newer one
      [{ ...later, ciphertext: later.ciphertext.slice(0, -8) }, 'invalid-frame'],
      [{ ...later, ciphertext: toBase64url(flipped) }, 'cannot-open'],
      [{ v: 1, nonce: 'A'.repeat(32), ciphertext: 'B'.repeat(40) }, 'unsupported-version'],
      ['garbage', 'invalid-frame'],
      [null, 'invalid-frame'],
    ]
    for (const [payload] of attempts) await attacker.broadcast(payload)
    await vi.waitFor(() => expect(receiver.rejected.map((r) => r.reason)).toEqual(attempts.map(([, r]) => r)))
    expect(keyActions(receiver.received)).toHaveLength(2)

    // The room still works after all that.
    await keypad.send({ type: 'key', code: 'Enter', phase: 'tap' })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toHaveLength(3))
  })

  it('a receiver that re-joins accepts none of the traffic of its earlier session, replayed', async () => {
    const { url } = await startTestRelay()
    const mac = pairDeviceDir(url, { name: 'mac' })
    const first = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    const attacker = await joinAsRoomMember(url, mac.link.room)
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'mac', 'approved')
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'down' })
    await vi.waitFor(() => expect(keyActions(first.received)).toHaveLength(1))
    const captured = [...attacker.captured]
    expect(msgsFrom(captured, keypad.id, first.id).length).toBeGreaterThan(0)
    await first.close()

    const again = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    await waitForDevice(keypad, 'mac', 'approved')
    for (const payload of captured) await attacker.broadcast(payload)
    // Sent after the replay, so it reaches the receiver after every replayed frame.
    await keypad.send({ type: 'key', code: 'KeyB', phase: 'tap' })
    await vi.waitFor(() => expect(keyActions(again.received)).toHaveLength(1))
    expect(keyActions(again.received)).toEqual([{ type: 'key', code: 'KeyB', phase: 'tap' }])
    expect(again.peers().map((p) => p.name)).toEqual(['phone'])
  })

  it('drops a press that arrives late but honours a late release; the sender hears the press was lost as stale', async () => {
    const { url } = await startTestRelay()
    const mac = pairDeviceDir(url, { name: 'mac' })
    let skewMs = 0
    // Lateness is judged on the receiver's clock: moving it on makes everything after look late.
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'mac', { now: () => Date.now() + skewMs })
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'mac', 'approved')
    expect((await keypad.deliver({ type: 'key', code: 'KeyZ', phase: 'tap' })).delivered).toEqual([
      receiver.id,
    ])
    skewMs = 5_000
    const press = await keypad.deliver({ type: 'key', code: 'KeyA', phase: 'down' }, 3_000)
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'up' })
    // Said with its reason, not left to the timeout as "no receipt".
    expect(press).toMatchObject({
      delivered: [],
      lost: [{ peer: receiver.id, reason: 'stale' }],
      missing: [],
    })
    await vi.waitFor(() => expect(receiver.rejected.map((r) => r.reason)).toEqual(['stale']))
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([
        { type: 'key', code: 'KeyZ', phase: 'tap' },
        { type: 'key', code: 'KeyA', phase: 'up' },
      ]),
    )
  })

  it('re-joins on its own after the relay restarts, and traffic resumes', async () => {
    const first = await startTestRelay()
    const port = first.port
    const mac = pairDeviceDir(first.url, { name: 'mac' })
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'mac', 'approved')
    const leftPeers: string[] = []
    receiver.on('peer-left', (p) => leftPeers.push(p.name))

    await first.close()
    await vi.waitFor(() => expect(keypad.state).not.toBe('connected'))
    expect(leftPeers).toContain('phone')
    expect((await keypad.send({ type: 'text', text: 'lost' })).ok).toBe(false)

    await startTestRelay({ port })
    await vi.waitFor(() => expect(keypad.state).toBe('connected'), { timeout: 15_000 })
    await vi.waitFor(() => expect(receiver.state).toBe('connected'), { timeout: 15_000 })
    // New sessions on the new connections; the store still knows the keypad.
    await waitForDevice(keypad, 'mac', 'approved')
    expect(await keypad.send({ type: 'text', text: 'back' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toEqual([{ type: 'text', text: 'back' }]))
  })

  it('reports a peer that leaves', async () => {
    const { url } = await startTestRelay()
    const mac = pairDeviceDir(url, { name: 'mac' })
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(receiver, 'phone')
    const left: string[] = []
    receiver.on('peer-left', (p) => left.push(p.name))
    await keypad.close()
    await vi.waitFor(() => expect(left).toEqual(['phone']))
    expect(receiver.peers()).toEqual([])
  })

  it('a room closed right after the relay dropped it stays closed (issue 18)', async () => {
    const { relay: server, url } = await startTestRelay()
    const mac = pairDeviceDir(url, { name: 'observer' })
    const observer = await joinAsReceiver(mac, 'mac-receiver', 'observer')
    const closer = await joinAsDevice(mac.link, 'keypad', 'closer')
    const control = await joinAsDevice(mac.link, 'keypad', 'control')
    await waitForDevice(observer, 'closer')
    await waitForDevice(observer, 'control')
    // The relay's room is the join credential's, not the link's room secret.
    const relayRoom = roomCredential(fromBase64url(mac.link.room) ?? new Uint8Array()).room
    const sid = (name: string) => observer.peers().find((p) => p.name === name)?.sid ?? ''
    const members = () => server.io.sockets.adapter.rooms.get(roomKey(relayRoom))?.size ?? 0

    // A server-side disconnect arms the client's retry; close() comes inside that second.
    server.io.sockets.sockets.get(sid('closer'))?.disconnect()
    await vi.waitFor(() => expect(closer.state).not.toBe('connected'))
    await closer.close()
    // The control is dropped the same way after it, so its retry fires after the closer's would have.
    server.io.sockets.sockets.get(sid('control'))?.disconnect()
    await vi.waitFor(() => expect(control.state).not.toBe('connected'))
    await vi.waitFor(() => expect(control.state).toBe('connected'), { timeout: 5_000 })
    await waitForDevice(observer, 'control')

    expect(closer.state).toBe('offline')
    expect(members()).toBe(2)
    expect(observer.peers().map((p) => p.name)).toEqual(['control'])
  })
})
