import { KEYROOM_EVENT, type RelayAck, RelayEvent, roomCredential } from '@keyroom/key-events'
import { joinRoom, keyActions, legacyRoom, startTestRelay, waitForPeer } from '@keyroom/test-kit'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { REJECT_REPORTS_PER_SECOND } from '../src/connect-room.js'
import { createRoom } from '../src/pairing-link.js'

async function outsider(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  onTestFinished(() => {
    socket.disconnect()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  return socket
}
const call = (socket: Socket, event: string, arg: unknown) =>
  socket.timeout(5_000).emitWithAck(event, arg) as Promise<RelayAck>
const garbage = (i: number) => ({ v: 1, nonce: 'A'.repeat(32), ciphertext: `${'B'.repeat(40)}${i}` })

describe('issue 11.9: only members reach the room', () => {
  it('an outsider who knows a credentialed room id cannot join or reach its devices; members are served', async () => {
    const { url } = await startTestRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const link = createRoom(url)
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(receiver, 'phone')

    const intruder = await outsider(url)
    const heard: unknown[] = []
    intruder.on(KEYROOM_EVENT, (payload: unknown) => heard.push(payload))
    expect(await call(intruder, RelayEvent.joinRoom, link.room)).toMatchObject({
      ok: false,
      error: { code: 'proof-required' },
    })
    expect(
      await call(intruder, RelayEvent.joinRoom, { roomName: link.room, proof: 'x'.repeat(86) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-proof' },
    })
    // A proof made with the key for another connection (say, seen in a member's traffic) does not carry over.
    const stolen = roomCredential(link.key).prove(keypad.id)
    expect(await call(intruder, RelayEvent.joinRoom, { roomName: link.room, proof: stolen })).toMatchObject({
      ok: false,
      error: { code: 'invalid-proof', message: 'the proof does not verify for this room and connection' },
    })
    for (let i = 0; i < 50; i++) {
      const ack = await call(intruder, RelayEvent.broadcast, {
        roomName: link.room,
        eventName: KEYROOM_EVENT,
        payload: garbage(i),
      })
      expect(ack).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
    }
    await keypad.send({ type: 'key', code: 'KeyQ', phase: 'tap' })
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([{ type: 'key', code: 'KeyQ', phase: 'tap' }]),
    )
    expect(receiver.rejected).toEqual([])
    expect(heard).toEqual([])
  })

  it('with the key, a client joins by signing its own connection id, on any relay', async () => {
    const { url } = await startTestRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const link = createRoom(url)
    const socket = await outsider(url)
    const proof = roomCredential(link.key).prove(socket.id ?? '')
    expect(await call(socket, RelayEvent.joinRoom, { roomName: link.room, proof })).toEqual({ ok: true })
  })

  it('seed compatibility: a seed client joins and broadcasts by name in a room made without a credential', async () => {
    const { url } = await startTestRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const link = legacyRoom(url)
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const seed = await outsider(url)
    seed.emit(RelayEvent.joinRoom, link.room)
    seed.emit(RelayEvent.broadcast, { roomName: link.room, eventName: KEYROOM_EVENT, payload: garbage(0) })
    await vi.waitFor(() => expect(receiver.rejected.map((r) => r.reason)).toEqual(['cannot-open']))
  })

  it('devices report rejected messages at a bounded rate whatever sends them, and live taps get through', async () => {
    const { url } = await startTestRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const link = legacyRoom(url) // the one kind of room an outsider can still reach
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(receiver, 'phone')
    const flooders = await Promise.all(Array.from({ length: 5 }, () => outsider(url)))
    for (const f of flooders) expect(await call(f, RelayEvent.joinRoom, link.room)).toEqual({ ok: true })
    const sent = 400
    const started = performance.now()
    await Promise.all(
      flooders.map((f, n) =>
        Promise.all(
          Array.from({ length: sent / flooders.length }, (_, i) =>
            call(f, RelayEvent.broadcast, {
              roomName: link.room,
              eventName: KEYROOM_EVENT,
              payload: garbage(n * 1000 + i),
            }),
          ),
        ),
      ),
    )
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([{ type: 'key', code: 'KeyA', phase: 'tap' }]),
    )
    const seconds = (performance.now() - started) / 1000
    expect(receiver.rejected.length).toBeLessThanOrEqual(REJECT_REPORTS_PER_SECOND * (Math.ceil(seconds) + 1))
    // Nothing is lost from the count: the next report after a quiet second carries what was held back.
    await vi.waitFor(
      async () => {
        const f = flooders[0] as Socket
        await call(f, RelayEvent.broadcast, {
          roomName: link.room,
          eventName: KEYROOM_EVENT,
          payload: garbage(-1),
        })
        const reported = receiver.rejected.reduce((sum, r) => sum + 1 + (r.suppressed ?? 0), 0)
        expect(reported).toBeGreaterThanOrEqual(sent)
      },
      { timeout: 10_000, interval: 300 },
    )
  })
})
