import { KEYROOM_EVENT, PROTOCOL_VERSION, RelayEvent } from '@keyroom/key-events'
import { connectRoom, createRoom, createSealer, type Rejection } from '@keyroom/room-client'
import { joinRoom, startTestRelay, waitForPeer, withLegacyRoomId } from '@keyroom/test-kit'
import { io } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { agentCapabilities, createAgent } from '../src/agent.js'
import { parsePinMap } from '../src/pin-map.js'
import { createRecordingPins, silentLogger } from './fakes.js'

const map = parsePinMap(JSON.stringify({ outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] }))
if (!map.ok) throw new Error(map.error.message)

describe('forged events through a real relay', () => {
  it('a client that knows the room id but not the key touches no pin, nor does a replay', async () => {
    const relay = await startTestRelay()
    // An outsider can join only a room made before join credentials; there the agent's own checks keep it out.
    const link = withLegacyRoomId(createRoom(relay.url))
    const pins = createRecordingPins()
    const room = connectRoom({ link, role: 'pi-agent', name: 'door-pi', caps: agentCapabilities(map.value) })
    onTestFinished(() => room.close())
    const rejected: Rejection[] = []
    room.on('reject', (r) => rejected.push(r))
    const agent = createAgent({ room, pins: pins.pins, map: map.value, logger: silentLogger() })
    onTestFinished(() => agent.shutdown('test'))
    const writes = () => pins.log.filter((e) => e.event === 'write')

    // An eavesdropper in the room: it sees the room id (the relay does) and records the ciphertext.
    const intruder = io(relay.url, { transports: ['websocket'] })
    onTestFinished(() => {
      intruder.disconnect()
    })
    const captured: unknown[] = []
    intruder.on(KEYROOM_EVENT, (payload: unknown) => captured.push(payload))
    await new Promise<void>((resolve) => intruder.emit(RelayEvent.joinRoom, link.room, () => resolve()))

    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(keypad, 'door-pi')
    const broadcast = (payload: unknown) =>
      new Promise<void>((resolve) =>
        intruder.emit(RelayEvent.broadcast, { roomName: link.room, eventName: KEYROOM_EVENT, payload }, () =>
          resolve(),
        ),
      )

    // 1. Plain JSON, garbage, and a message sealed under a key it guessed.
    const envelope = (seq: number) => ({
      v: PROTOCOL_VERSION,
      from: 'intruder-01',
      seq,
      t: Date.now(),
      body: { type: 'key', code: 'KeyL', phase: 'down' },
    })
    await broadcast(envelope(1))
    await broadcast('KeyL down')
    await broadcast({ v: 1, nonce: 'A'.repeat(32), ciphertext: 'AAAA' })
    const wrongKey = createSealer({ ...link, key: new Uint8Array(32).fill(7) })
    await broadcast(wrongKey.seal(envelope(2) as never))
    await vi.waitFor(() => expect(rejected.length).toBeGreaterThanOrEqual(4))
    expect(rejected.map((r) => r.reason)).toEqual(expect.arrayContaining(['invalid-seal', 'cannot-open']))
    expect(writes()).toEqual([])

    // 2. The real keypad presses and releases; the intruder replays the captured press.
    const before = captured.length
    await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(1))
    await keypad.send({ type: 'key', code: 'KeyL', phase: 'up' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(0))
    await vi.waitFor(() => expect(captured.length).toBeGreaterThanOrEqual(before + 2))
    const pressCount = writes().length
    const rejectedBefore = rejected.length
    await broadcast(captured[before])
    await vi.waitFor(() => expect(rejected.length).toBe(rejectedBefore + 1))
    expect(rejected.at(-1)?.reason).toBe('replayed')
    expect(writes().length).toBe(pressCount)
    expect(pins.levels.get(17)).toBe(0)
    expect(pins.touched()).toEqual(new Set([17]))
  })
})
