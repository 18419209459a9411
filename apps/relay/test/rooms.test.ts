import { RelayEvent } from '@keyroom/key-events'
import { describe, expect, it, vi } from 'vitest'
import { call, client, expectOk, listen, member, relay, untyped } from './helpers.js'

describe('seed compatibility: a client written for the seed relay works unchanged', () => {
  it('joins and broadcasts without acks; others receive the payload untouched, the sender does not', async () => {
    const { url } = await relay()
    // Exactly what a seed client does: emit and forget.
    const sender = await client(url)
    const receiver = await client(url)
    const heardBySender = listen(sender)
    const heard = listen(receiver)
    untyped(receiver).emit('join-room', 'studio')
    untyped(sender).emit('join-room', 'studio')
    await vi.waitFor(() => expect(heard.roomInfo.at(-1)?.count).toBe(2))
    const payload = { nested: { list: [1, 'two', null, true], text: 'żółć ✓' }, n: 1.5 }
    untyped(sender).emit('broadcast', { roomName: 'studio', eventName: 'msg', payload })
    await vi.waitFor(() => expect(heard.received).toEqual([payload]))
    expect(heardBySender.received).toEqual([])
  })

  it('broadcast-all reaches the sender too', async () => {
    const { url } = await relay()
    const a = await member(url, 'all')
    const b = await member(url, 'all')
    expectOk(
      await call(a.socket, RelayEvent.broadcastAll, { roomName: 'all', eventName: 'msg', payload: 'hi' }),
    )
    await vi.waitFor(() => {
      expect(a.received).toEqual(['hi'])
      expect(b.received).toEqual(['hi'])
    })
  })

  it('carries binary payloads and any event name a client picks', async () => {
    const { url } = await relay()
    const a = await member(url, 'bin', 'frame')
    const b = await member(url, 'bin', 'frame')
    const bytes = Buffer.from([0, 1, 2, 255])
    expectOk(
      await call(a.socket, RelayEvent.broadcast, { roomName: 'bin', eventName: 'frame', payload: bytes }),
    )
    await vi.waitFor(() => expect(b.received).toHaveLength(1))
    expect(Buffer.from(b.received[0] as Uint8Array)).toEqual(bytes)
  })
})

describe('rooms', () => {
  it('keeps rooms apart', async () => {
    const { url } = await relay()
    const a1 = await member(url, 'room-a')
    const a2 = await member(url, 'room-a')
    const b1 = await member(url, 'room-b')
    expectOk(
      await call(a1.socket, RelayEvent.broadcast, { roomName: 'room-a', eventName: 'msg', payload: 'for a' }),
    )
    expectOk(
      await call(b1.socket, RelayEvent.broadcastAll, {
        roomName: 'room-b',
        eventName: 'msg',
        payload: 'for b',
      }),
    )
    await vi.waitFor(() => expect(a2.received).toEqual(['for a']))
    await vi.waitFor(() => expect(b1.received).toEqual(['for b']))
    expect(a1.received).toEqual([])
  })

  it('tells members who joined and left, with the count', async () => {
    const { url } = await relay()
    const first = await member(url, 'presence')
    const second = await member(url, 'presence')
    await vi.waitFor(() =>
      expect(first.roomInfo).toEqual([
        { roomName: 'presence', count: 1, joined: first.socket.id },
        { roomName: 'presence', count: 2, joined: second.socket.id },
      ]),
    )
    expectOk(await call(second.socket, RelayEvent.leaveRoom, 'presence'))
    await vi.waitFor(() =>
      expect(first.roomInfo.at(-1)).toEqual({ roomName: 'presence', count: 1, left: second.socket.id }),
    )

    const third = await member(url, 'presence')
    const thirdId = third.socket.id
    third.socket.disconnect()
    await vi.waitFor(() =>
      expect(first.roomInfo.at(-1)).toEqual({ roomName: 'presence', count: 1, left: thirdId }),
    )
  })

  it('stops delivering to a socket that left, and joining twice is harmless', async () => {
    const { url } = await relay()
    const a = await member(url, 'leave')
    const b = await member(url, 'leave')
    expectOk(await call(b.socket, RelayEvent.joinRoom, 'leave'))
    expectOk(await call(b.socket, RelayEvent.leaveRoom, 'leave'))
    expect(
      await call(a.socket, RelayEvent.broadcast, { roomName: 'leave', eventName: 'msg', payload: 1 }),
    ).toEqual({ ok: true })
    expectOk(
      await call(a.socket, RelayEvent.broadcastAll, { roomName: 'leave', eventName: 'msg', payload: 2 }),
    )
    await vi.waitFor(() => expect(a.received).toEqual([2]))
    expect(b.received).toEqual([])
  })

  it('works over HTTP long-polling as well as WebSocket', async () => {
    const { url } = await relay()
    const polling = await client(url, { transports: ['polling'], origin: 'http://localhost:5173' })
    const heard = listen(polling)
    expectOk(await call(polling, RelayEvent.joinRoom, 'poll'))
    const ws = await member(url, 'poll')
    expectOk(
      await call(ws.socket, RelayEvent.broadcast, {
        roomName: 'poll',
        eventName: 'msg',
        payload: 'over polling',
      }),
    )
    await vi.waitFor(() => expect(heard.received).toEqual(['over polling']))
  })

  // A transport close, not a server disconnect: socket.io clients reconnect on their own after a restart.
  it('drops every connection on close so that clients reconnect by themselves', async () => {
    const started = await relay()
    const a = await member(started.url, 'bye')
    const reasons: string[] = []
    a.socket.on('disconnect', (reason) => reasons.push(reason))
    await started.close()
    await vi.waitFor(() => expect(reasons).toEqual(['transport close']))
    await started.close() // idempotent
  })
})

describe('serves the keypad and reports on itself over HTTP', () => {
  it('answers /healthz and /metrics with counts', async () => {
    const { url } = await relay()
    const a = await member(url, 'm')
    await member(url, 'm')
    expectOk(await call(a.socket, RelayEvent.broadcast, { roomName: 'm', eventName: 'msg', payload: 1 }))
    await call(a.socket, RelayEvent.broadcast, { roomName: 'elsewhere', eventName: 'msg', payload: 1 })

    const health = await fetch(`${url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok', connections: 2, rooms: 1 })

    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toContain('keyroom_relay_connections 2\n')
    expect(metrics).toContain('keyroom_relay_rooms 1\n')
    expect(metrics).toContain('keyroom_relay_events_out_total 1\n')
    expect(metrics).toMatch(/keyroom_relay_events_in_total 4\n/) // two joins, two broadcasts
    expect(metrics).toContain('keyroom_relay_refusals_total{reason="not-in-room"} 1\n')
  })
})
