import { randomBytes } from 'node:crypto'
import { RelayEvent, roomCredential } from '@keyroom/key-events'
import { startRedis } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import {
  call,
  callAnything,
  client,
  credentialedMember,
  expectOk,
  expectRelayServes,
  listen,
  member,
  relay,
  untyped,
} from './helpers.js'

const key = () => new Uint8Array(randomBytes(32))
const refusal = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } })

describe('issue 11.9: a credentialed room takes a proof of membership the relay checks without the key', () => {
  it('joins with a proof for this connection; refuses none, a forged one, one for another connection or room', async () => {
    const { url } = await relay()
    const credential = roomCredential(key())
    const other = roomCredential(key())
    const socket = await client(url)
    const id = socket.id ?? ''
    const room = credential.room
    expect(await call(socket, RelayEvent.joinRoom, room)).toEqual(refusal('proof-required'))
    expect(await call(socket, RelayEvent.joinRoom, { roomName: room })).toEqual(refusal('proof-required'))
    for (const proof of [
      'A'.repeat(86), // well-formed, not a signature of anything
      credential.prove(`${id}x`), // another connection
      other.prove(id), // another room's key
      'short',
      42,
      '!'.repeat(86),
    ]) {
      const ack = await callAnything(socket, RelayEvent.joinRoom, { roomName: room, proof })
      expect(ack, String(proof)).toEqual(refusal('invalid-proof'))
    }
    expect(
      await call(socket, RelayEvent.broadcast, { roomName: room, eventName: 'msg', payload: 1 }),
    ).toEqual(refusal('not-in-room'))
    expectOk(await call(socket, RelayEvent.joinRoom, { roomName: room, proof: credential.prove(id) }))
    await expectRelayServes(url)
  })

  it('a room id that is no curve point, or nearly the right form, is refused without a crash', async () => {
    const { url, logs } = await relay()
    const socket = await client(url)
    // The credentialed form, but 32 bytes that are no Ed25519 public key: checked and refused.
    expect(
      await call(socket, RelayEvent.joinRoom, { roomName: `k1.${'_'.repeat(43)}`, proof: 'A'.repeat(86) }),
    ).toEqual(refusal('invalid-proof'))
    // One character short or long is not the credentialed form: a seed-style room of that name.
    for (const roomName of [`k1.${'A'.repeat(42)}`, `k1.${'A'.repeat(44)}`]) {
      expectOk(await call(socket, RelayEvent.joinRoom, roomName))
    }
    expect(logs.some((l) => l.level >= 50)).toBe(false)
    await expectRelayServes(url)
  })

  it('checks only so many proofs a second per address: a proof flood is rate-limited, others are served', async () => {
    const { url, relay: running } = await relay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const socket = await client(url)
    const { room } = roomCredential(key())
    const acks = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(socket, RelayEvent.joinRoom, { roomName: room, proof: 'A'.repeat(86) }),
      ),
    )
    const codes = acks.map((a) => (a.ok ? 'ok' : a.error.code))
    expect(codes.filter((c) => c === 'invalid-proof').length).toBeLessThanOrEqual(40)
    expect(codes.filter((c) => c === 'rate-limited').length).toBeGreaterThanOrEqual(60)
    expect(running.metrics.refusals().get('rate-limited')).toBeGreaterThanOrEqual(60)
    await expectRelayServes(url)
  })

  it('seed compatibility: any other room is joined by name, as with the seed relay', async () => {
    const { url } = await relay()
    const a = await member(url, 'Qm9vb29vb29vb29vb29vbw')
    const b = await client(url)
    const heard = listen(b)
    untyped(b).emit(RelayEvent.joinRoom, { roomName: 'Qm9vb29vb29vb29vb29vbw' })
    await vi.waitFor(() => expect(heard.roomInfo.at(-1)?.count).toBe(2))
    untyped(a.socket).emit(RelayEvent.broadcast, {
      roomName: 'Qm9vb29vb29vb29vb29vbw',
      eventName: 'msg',
      payload: 'hi',
    })
    await vi.waitFor(() => expect(heard.received).toEqual(['hi']))
  })

  it('works across relays sharing rooms through Redis, with no state shared but the room itself', async () => {
    const redis = await startRedis()
    const one = await relay({ redisUrl: redis.url })
    const two = await relay({ redisUrl: redis.url })
    const credential = roomCredential(key())
    const join = (url: string) => credentialedMember(url, credential)
    const a = await join(one.url)
    const b = await join(two.url)
    await vi.waitFor(async () => {
      expectOk(
        await call(a.socket, RelayEvent.broadcast, {
          roomName: credential.room,
          eventName: 'msg',
          payload: 'x',
        }),
      )
      expect(b.received).toContain('x')
    })
  }, 30_000)
})
