import { RelayEvent } from '@keyroom/key-events'
import { io } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import {
  call,
  callAnything,
  client,
  expectOk,
  expectRelayServes,
  listen,
  member,
  relay,
  untyped,
} from './helpers.js'

const refusal = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } })

describe('bad input gets a specific error, and the relay keeps serving everyone', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['an object', { room: 'x' }],
    ['an empty name', ''],
    ['a name over 128 characters', 'r'.repeat(129)],
    ['spaces and symbols', 'my room!'],
    ['a path', '../admin'],
  ])('join-room with %s: invalid-room-name', async (_, name) => {
    const { url } = await relay()
    const socket = await client(url)
    expect(await callAnything(socket, RelayEvent.joinRoom, name)).toEqual(refusal('invalid-room-name'))
    await expectRelayServes(url)
    // The refused client is still connected and can do the right thing next.
    expectOk(await call(socket, RelayEvent.joinRoom, 'fine'))
  })

  it("a room named after another connection is a room of its own, never that connection's private channel", async () => {
    const { url } = await relay()
    const victim = await client(url)
    const heard = listen(victim)
    const victimId = victim.id ?? ''
    const attacker = await member(url, victimId)
    const bystander = await member(url, victimId)
    expectOk(
      await call(attacker.socket, RelayEvent.broadcast, {
        roomName: victimId,
        eventName: 'msg',
        payload: 1,
      }),
    )
    await vi.waitFor(() => expect(bystander.received).toEqual([1]))
    expect(heard.received).toEqual([])
    await expectRelayServes(url)
  })

  it.each([
    ['a string', 'hello', 'invalid-request'],
    ['null', null, 'invalid-request'],
    ['an array', ['room', 'msg', 1], 'invalid-request'],
    ['no room name', { eventName: 'msg', payload: 1 }, 'invalid-room-name'],
    ['a numeric room name', { roomName: 7, eventName: 'msg', payload: 1 }, 'invalid-room-name'],
    ['no event name', { roomName: 'r', payload: 1 }, 'invalid-event-name'],
    ['an event name with spaces', { roomName: 'r', eventName: 'a b', payload: 1 }, 'invalid-event-name'],
    ['the reserved room-info', { roomName: 'r', eventName: 'room-info', payload: {} }, 'reserved-event-name'],
    [
      'the reserved disconnect',
      { roomName: 'r', eventName: 'disconnect', payload: 'x' },
      'reserved-event-name',
    ],
    ['a room it has not joined', { roomName: 'other', eventName: 'msg', payload: 1 }, 'not-in-room'],
  ])('broadcast with %s: %s', async (_, request, code) => {
    const { url } = await relay()
    const inRoom = await member(url, 'r')
    const other = await member(url, 'other')
    const bystander = await member(url, 'r')
    expect(await callAnything(inRoom.socket, RelayEvent.broadcast, request)).toEqual(refusal(code))
    expect(await callAnything(inRoom.socket, RelayEvent.broadcastAll, request)).toEqual(refusal(code))
    await expectRelayServes(url)
    expect(bystander.received).toEqual([])
    expect(other.received).toEqual([])
  })

  it('leave-room of a room not joined: not-in-room', async () => {
    const { url } = await relay()
    const socket = await client(url)
    expect(await call(socket, RelayEvent.leaveRoom, 'never-joined')).toEqual(refusal('not-in-room'))
    expect(await callAnything(socket, RelayEvent.leaveRoom, { bad: true })).toEqual(
      refusal('invalid-room-name'),
    )
    await expectRelayServes(url)
  })

  it('an unknown call: unknown-event', async () => {
    const { url } = await relay()
    const socket = await client(url)
    expect(await callAnything(socket, 'make-me-admin', { please: true })).toEqual(refusal('unknown-event'))
    await expectRelayServes(url)
  })

  it('a payload over the limit: payload-too-large, and the sender stays connected', async () => {
    const { url, logs } = await relay({ maxPayloadBytes: 1024 })
    const a = await member(url, 'big')
    const b = await member(url, 'big')
    const ack = await call(a.socket, RelayEvent.broadcast, {
      roomName: 'big',
      eventName: 'msg',
      payload: 'x'.repeat(1100),
    })
    expect(ack).toEqual({
      ok: false,
      error: { code: 'payload-too-large', message: 'payload is 1102 bytes; the limit is 1024' },
    })
    expectOk(
      await call(a.socket, RelayEvent.broadcast, {
        roomName: 'big',
        eventName: 'msg',
        payload: 'x'.repeat(1000),
      }),
    )
    await vi.waitFor(() => expect(b.received).toEqual(['x'.repeat(1000)]))
    expect(logs.some((l) => l.msg === 'refused broadcast: payload is 1102 bytes; the limit is 1024')).toBe(
      true,
    )
  })

  it('a frame far over the limit: the transport drops that connection, and only that one', async () => {
    const { url } = await relay({ maxPayloadBytes: 1024 }) // frames over 4 x 1024 + 16 KiB are cut
    const a = await member(url, 'huge')
    const b = await member(url, 'huge')
    const reasons: string[] = []
    a.socket.on('disconnect', (reason) => reasons.push(reason))
    untyped(a.socket).emit(RelayEvent.broadcast, {
      roomName: 'huge',
      eventName: 'msg',
      payload: 'x'.repeat(100_000),
    })
    await vi.waitFor(() => expect(reasons).toEqual(['transport close']))
    expect(b.received).toEqual([])
    expect(b.socket.connected).toBe(true)
    await expectRelayServes(url)
  })

  it('more rooms than allowed: too-many-rooms', async () => {
    const { url } = await relay({ maxRoomsPerSocket: 2 })
    const socket = await client(url)
    expectOk(await call(socket, RelayEvent.joinRoom, 'one'))
    expectOk(await call(socket, RelayEvent.joinRoom, 'two'))
    expect(await call(socket, RelayEvent.joinRoom, 'three')).toEqual(refusal('too-many-rooms'))
    expectOk(await call(socket, RelayEvent.leaveRoom, 'one'))
    expectOk(await call(socket, RelayEvent.joinRoom, 'three'))
    await expectRelayServes(url)
  })

  it('a flood: rate-limited past the burst, logged once a second, others unaffected, then served again', async () => {
    const { url, logs, relay: running } = await relay({ eventsPerSecond: 20, eventBurst: 10 })
    const flooder = await member(url, 'flood') // the join took one token
    const sent = 200
    const started = performance.now()
    const acks = await Promise.all(
      Array.from({ length: sent }, (_, i) =>
        call(flooder.socket, RelayEvent.broadcast, { roomName: 'flood', eventName: 'msg', payload: i }),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    const accepted = acks.filter((a) => a.ok).length
    expect(accepted).toBeGreaterThanOrEqual(9)
    // 9 left in the burst, plus at most what refilled at 20/s while the flood was read
    expect(accepted).toBeLessThanOrEqual(9 + Math.ceil(20 * seconds))
    expect(accepted).toBeLessThan(sent / 2)
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error.code === 'rate-limited')).toBe(true)
    expect(running.metrics.refusals().get('rate-limited')).toBe(sent - accepted)
    expect(logs.filter((l) => l.code === 'rate-limited').length).toBeLessThanOrEqual(Math.ceil(seconds) + 1)
    await expectRelayServes(url)
    await vi.waitFor(async () =>
      expectOk(
        await call(flooder.socket, RelayEvent.broadcast, {
          roomName: 'flood',
          eventName: 'msg',
          payload: 'later',
        }),
      ),
    )
  })

  it('calls without an ack and of every wrong shape never throw inside the relay', async () => {
    const { url, logs } = await relay()
    const socket = await client(url)
    const anything = untyped(socket)
    anything.emit(RelayEvent.joinRoom)
    anything.emit(RelayEvent.joinRoom, undefined, 'extra', 3)
    anything.emit(RelayEvent.broadcast, { roomName: 'x', eventName: { toString: 1 }, payload: 1 })
    anything.emit(RelayEvent.broadcast, { roomName: 'x'.repeat(10_000), eventName: 'msg' })
    anything.emit(RelayEvent.broadcastAll)
    anything.emit(RelayEvent.leaveRoom, [])
    anything.emit('whatever', Buffer.alloc(3))
    await expectRelayServes(url)
    expect(logs.some((l) => l.level >= 50)).toBe(false) // no handler failed
    expect(socket.connected).toBe(true)
  })
})

describe('handshake: Origin allowlist and connections per IP', () => {
  const hostile = ['https://example.com.evil.net', 'null', 'http://localhost.evil.net', 'https://evil.com']

  it.each(hostile)('refuses Origin %s with 403 over polling and WebSocket, and logs it', async (origin) => {
    const { url, logs, relay: running } = await relay({ allowedOrigins: ['*.example.com'] })
    const polling = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } })
    expect(polling.status).toBe(403)
    expect(await polling.text()).toContain('not')

    for (const transport of ['websocket', 'polling'] as const) {
      await expect(client(url, { transports: [transport], origin })).rejects.toThrow()
    }
    // Three refusals from one IP within a second: one line (the log budget), all three counted.
    const lines = logs.filter((l) => String(l.msg).includes(JSON.stringify(origin)))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ ip: '127.0.0.1', reason: 'origin-not-allowed' })
    expect(running.metrics.refusals().get('origin-not-allowed')).toBe(3)
    await expectRelayServes(url)
  })

  it('accepts allowed browser origins and clients without Origin', async () => {
    const { url } = await relay({ allowedOrigins: ['*.example.com'] })
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:7300', 'https://pad.example.com']) {
      for (const transport of ['websocket', 'polling'] as const) {
        const socket = await client(url, { transports: [transport], origin })
        expect(socket.connected).toBe(true)
      }
    }
    expect((await client(url)).connected).toBe(true) // no Origin: a device or script
  })

  it('refuses clients without Origin when so configured', async () => {
    const { url } = await relay({ allowMissingOrigin: false })
    await expect(client(url)).rejects.toThrow()
    expect((await client(url, { origin: 'http://localhost' })).connected).toBe(true)
  })

  it('caps connections per IP and frees the slot when one closes', async () => {
    const { url, logs } = await relay({ maxConnectionsPerIp: 2 })
    const first = await client(url)
    await client(url)
    await expect(client(url)).rejects.toThrow()
    expect(logs.some((l) => String(l.msg).includes('already has 2 connections'))).toBe(true)
    first.disconnect()
    await vi.waitFor(async () => expect((await client(url)).connected).toBe(true))
    // Other addresses are not affected (behind a proxy the relay counts X-Forwarded-For when told to trust it).
    const proxied = await relay({ maxConnectionsPerIp: 1, trustProxyHops: 1 })
    const viaProxy = (ip: string) =>
      io(proxied.url, {
        transports: ['polling'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { 'x-forwarded-for': ip },
      })
    const a = viaProxy('203.0.113.1')
    const b = viaProxy('203.0.113.2')
    const c = viaProxy('203.0.113.1')
    const refused = new Promise<Error>((resolve) => c.once('connect_error', resolve))
    onTestFinished(() => {
      for (const s of [a, b, c]) s.disconnect()
    })
    await vi.waitFor(() => expect([a.connected, b.connected]).toEqual([true, true]))
    expect((await refused).message).toBe('xhr poll error') // what socket.io-client reports for the 403
    expect(proxied.logs.some((l) => String(l.msg).includes('203.0.113.1 already has 1 connections'))).toBe(
      true,
    )
    expect(c.connected).toBe(false)
  })
})
