import { fromBase64url, type KeyAction, PROTOCOL_VERSION, toBase64url } from '@keyroom/key-events'
import { roomKey } from '@keyroom/relay'
import {
  joinAsIntruder,
  joinRoom,
  keyActions,
  legacyRoom,
  startTestRelay,
  waitForPeer,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { createRoom } from '../src/pairing-link.js'
import { createSealer } from '../src/seal.js'

/** A plain socket.io client in the room: what the relay (or anyone who knows the room id) sees. */
async function spy(url: string, roomName: string) {
  const intruder = await joinAsIntruder(url, roomName)
  if (!intruder.joined.ok) throw new Error(`the spy could not join: ${intruder.joined.error.code}`)
  return intruder
}

describe('room-client through a real relay', () => {
  it('two devices exchange sealed key events in order, with presence and latency', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    const receiver = await joinRoom(link, 'mac-receiver', 'studio mac', {
      caps: { inject: true, platform: 'darwin' },
    })
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(keypad, 'studio mac')
    await waitForPeer(receiver, 'phone')

    expect(keypad.peers()).toEqual([
      expect.objectContaining({
        role: 'mac-receiver',
        name: 'studio mac',
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

    const rtts = await keypad.ping(500)
    expect(rtts.get(receiver.id)).toBeGreaterThanOrEqual(0)
    expect(receiver.rejected).toEqual([])
  })

  // Outsiders cannot join a credentialed room (test/issue-11-join-credential.test.ts); in a room made before join
  // credentials they can, and the devices' own checks are what keep them out.
  it('a device that knows the room id but not the key gets nothing accepted, and sees no plaintext', async () => {
    const { url } = await startTestRelay()
    const link = legacyRoom(url)
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const attacker = await spy(url, link.room)
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(receiver, 'phone')

    await keypad.send({ type: 'key', code: 'KeyQ', phase: 'down' })
    await keypad.send({ type: 'text', text: 'secret-password' })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toHaveLength(2))
    await vi.waitFor(() => expect(attacker.captured.length).toBeGreaterThanOrEqual(4))
    const wire = JSON.stringify(attacker.captured)
    for (const plaintext of ['KeyQ', 'secret-password', 'phone', 'mac-receiver', 'hello']) {
      expect(wire).not.toContain(plaintext)
    }

    const captured = attacker.captured.slice(-2) as { v: number; nonce: string; ciphertext: string }[]
    const [earlier, later] = captured as [(typeof captured)[0], (typeof captured)[0]]
    const truncated = { ...later, ciphertext: later.ciphertext.slice(0, -8) }
    const flipped = fromBase64url(later.ciphertext) as Uint8Array
    flipped[3] = (flipped[3] as number) ^ 1
    const forgedKey = createSealer({ room: link.room, key: new Uint8Array(32) }).seal({
      v: PROTOCOL_VERSION,
      from: keypad.id,
      seq: 999,
      t: Date.now(),
      body: { type: 'key', code: 'KeyX', phase: 'tap' },
    })
    const attempts: [unknown, string][] = [
      [later, 'replayed'],
      [earlier, 'replayed'], // reordered: an older message after a newer one
      [truncated, 'cannot-open'],
      [{ ...later, ciphertext: toBase64url(flipped) }, 'cannot-open'],
      [forgedKey, 'cannot-open'],
      [{ ...later, v: 2 }, 'unsupported-version'],
      [{ v: 1, nonce: 'garbage', ciphertext: '!!' }, 'invalid-seal'],
      ['garbage', 'invalid-seal'],
      [null, 'invalid-seal'],
    ]
    for (const [payload] of attempts) await attacker.broadcast(payload)
    await vi.waitFor(() => expect(receiver.rejected.map((r) => r.reason)).toEqual(attempts.map(([, r]) => r)))
    expect(keyActions(receiver.received)).toHaveLength(2)

    // The room still works after all that.
    await keypad.send({ type: 'key', code: 'Enter', phase: 'tap' })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toHaveLength(3))
  })

  it('a receiver that joins later accepts no replayed traffic from before it joined', async () => {
    const { url } = await startTestRelay()
    const link = legacyRoom(url)
    const attacker = await spy(url, link.room)
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'down' })
    await vi.waitFor(() => expect(attacker.captured.length).toBeGreaterThanOrEqual(2))
    const captured = [...attacker.captured]

    const receiver = await joinRoom(link, 'mac-receiver', 'late mac')
    for (const payload of captured) await attacker.broadcast(payload)
    await vi.waitFor(() => expect(receiver.rejected.length).toBe(captured.length))
    expect(receiver.rejected.every((r) => ['unverified', 'replayed'].includes(r.reason))).toBe(true)
    expect(keyActions(receiver.received)).toEqual([])
  })

  it('drops a press that arrives late but honours a late release', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    let skewMs = 0
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone', { now: () => Date.now() - skewMs })
    await waitForPeer(receiver, 'phone')
    skewMs = 5_000 // from now on the keypad's messages look 5 s old
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'down' })
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'up' })
    await vi.waitFor(() => expect(receiver.rejected.map((r) => r.reason)).toEqual(['stale']))
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([{ type: 'key', code: 'KeyA', phase: 'up' }]),
    )
  })

  it('re-joins on its own after the relay restarts, and traffic resumes', async () => {
    const first = await startTestRelay()
    const port = first.port
    const link = createRoom(first.url)
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(receiver, 'phone')
    const leftPeers: string[] = []
    receiver.on('peer-left', (p) => leftPeers.push(p.name))

    await first.close()
    await vi.waitFor(() => expect(keypad.state).not.toBe('connected'))
    expect(leftPeers).toContain('phone')
    expect((await keypad.send({ type: 'text', text: 'lost' })).ok).toBe(false)

    await startTestRelay({ port })
    await vi.waitFor(() => expect(keypad.state).toBe('connected'), { timeout: 15_000 })
    await vi.waitFor(() => expect(receiver.state).toBe('connected'), { timeout: 15_000 })
    await waitForPeer(receiver, 'phone')
    expect(await keypad.send({ type: 'text', text: 'back' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(keyActions(receiver.received)).toEqual([{ type: 'text', text: 'back' }]))
  })

  it('reports a peer that leaves', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(receiver, 'phone')
    const left: string[] = []
    receiver.on('peer-left', (p) => left.push(p.name))
    await keypad.close()
    await vi.waitFor(() => expect(left).toEqual(['phone']))
    expect(receiver.peers()).toEqual([])
  })

  it('a room closed right after the relay dropped it stays closed (issue 18)', async () => {
    const { relay: server, url } = await startTestRelay()
    const link = createRoom(url)
    const observer = await joinRoom(link, 'mac-receiver', 'observer')
    const closer = await joinRoom(link, 'keypad', 'closer')
    const control = await joinRoom(link, 'keypad', 'control')
    await waitForPeer(observer, 'closer')
    await waitForPeer(observer, 'control')
    const sid = (name: string) => observer.peers().find((p) => p.name === name)?.sid ?? ''
    const members = () => server.io.sockets.adapter.rooms.get(roomKey(link.room))?.size ?? 0

    // A server-side disconnect arms the client's retry; close() comes inside that second.
    server.io.sockets.sockets.get(sid('closer'))?.disconnect()
    await vi.waitFor(() => expect(closer.state).not.toBe('connected'))
    await closer.close()
    // The control is dropped the same way after it, so its retry fires after the closer's would have.
    server.io.sockets.sockets.get(sid('control'))?.disconnect()
    await vi.waitFor(() => expect(control.state).not.toBe('connected'))
    await vi.waitFor(() => expect(control.state).toBe('connected'), { timeout: 5_000 })
    await waitForPeer(observer, 'control')

    expect(closer.state).toBe('offline')
    expect(members()).toBe(2)
    expect(observer.peers().map((p) => p.name)).toEqual(['control'])
  })
})
