import { randomBytes } from 'node:crypto'
import { RelayEvent, roomCredential } from '@keyroom/key-events'
import fc from 'fast-check'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it, vi } from 'vitest'
import { call, credentialedMember, expectOk, relay } from './helpers.js'
import { pollingSession, rawWebSocket } from './raw.js'

/** At least this many generated cases reach the relay per run (the issue asks for 10,000). */
const MIN_CASES = 10_000
const CASES_PER_BATCH = 125
const BATCHES = 90

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype)
const NAMES = [
  ...PROTOTYPE_NAMES,
  ...Object.values(RelayEvent),
  'error',
  'connect',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
  'connect_error',
  'keyroom',
]
const CLIENT_RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
])

const name = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.string({ maxLength: 70 }),
  fc.string({ minLength: 120, maxLength: 300 }),
)
const roomName = fc.oneof(
  fc.constantFrom('fuzz', 'other', 'k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', ...PROTOTYPE_NAMES),
  fc.string({ maxLength: 140 }),
)
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  roomName,
  fc.record(
    {
      roomName,
      eventName: name,
      payload: fc.jsonValue({ maxDepth: 2 }),
      proof: fc.string({ maxLength: 90 }),
    },
    { requiredKeys: [] },
  ),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(null, 0, -1, Number.MAX_SAFE_INTEGER, '', '__proto__', { __proto__: { polluted: true } }),
)
/** A socket.io-client call with an ack. */
const clientCall = fc.record({
  kind: fc.constant('client' as const),
  event: name,
  args: fc.array(value, { maxLength: 3 }),
})
/** A raw frame over a bare WebSocket or a long-polling POST: Engine.IO and Socket.IO packets, mostly well-formed. */
const packetBody = fc.oneof(
  fc.tuple(name, fc.array(value, { maxLength: 3 })).map(([event, args]) => JSON.stringify([event, ...args])),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 60 }),
  fc.constantFrom(`${'['.repeat(30_000)}${']'.repeat(30_000)}`, '["join-room"', '[]', '{}', '"x"', '\uD800'),
)
const rawFrame = fc.record({
  kind: fc.oneof(
    { weight: 3, arbitrary: fc.constant('websocket' as const) },
    { weight: 1, arbitrary: fc.constant('polling' as const) },
  ),
  frame: fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom('2', '3', '5', '6'), fc.nat(99999), packetBody)
        .map(([t, id, b]) => `4${t}${id}${b}`),
    },
    { weight: 3, arbitrary: packetBody.map((b) => `42${b}`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '40/admin,', '41', '44'),
          fc.string({ maxLength: 40 }),
        )
        .map(([p, b]) => p + b),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  ),
})
const fuzzCase = fc.oneof({ weight: 6, arbitrary: clientCall }, { weight: 4, arbitrary: rawFrame })
type FuzzCase = typeof fuzzCase extends fc.Arbitrary<infer T> ? T : never

/** Resolves with the ack, or `dropped` when the relay closed this connection instead. */
function answerOrDrop(socket: Socket, event: string, args: unknown[]): Promise<unknown> {
  return new Promise((resolve) => {
    const dropped = () => resolve('dropped')
    socket.once('disconnect', dropped)
    socket.emit(event, ...args, (ack: unknown) => {
      socket.off('disconnect', dropped)
      resolve(ack)
    })
  })
}

describe('issue 11.2: a fuzzer against a live relay', () => {
  it(`${MIN_CASES}+ generated calls and raw frames: never exits, answers or drops only that connection, cleans up, keeps a pair served`, async () => {
    const started = await relay({
      eventsPerSecond: 100_000,
      eventBurst: 100_000,
      maxConnectionsPerIp: 10_000,
    })
    const { url, logs, relay: running } = started
    // The healthy pair sits in a credentialed room, so no generated call can join it.
    const credential = roomCredential(new Uint8Array(randomBytes(32)))
    const pair = await Promise.all([0, 1].map(() => credentialedMember(url, credential)))
    let probes = 0
    const pairStillServed = async () => {
      probes++
      const [a, b] = pair as [(typeof pair)[0], (typeof pair)[0]]
      expectOk(
        await call(a.socket, RelayEvent.broadcast, {
          roomName: credential.room,
          eventName: 'msg',
          payload: probes,
        }),
      )
      await vi.waitFor(() => expect(b.received).toContain(probes), { timeout: 10_000 })
    }

    let fuzzClient: Socket | undefined
    let connecting: Promise<Socket> | undefined
    const fuzzClients: Socket[] = []
    // One connection at a time; when the relay drops it, the next call opens the next one.
    const socketIoClient = (): Promise<Socket> => {
      if (fuzzClient?.connected) return Promise.resolve(fuzzClient)
      connecting ??= new Promise<Socket>((resolve, reject) => {
        const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
        fuzzClients.push(socket)
        socket.once('connect', () => {
          fuzzClient = socket
          connecting = undefined
          resolve(socket)
        })
        socket.once('connect_error', reject)
      })
      return connecting
    }
    let ws: Awaited<ReturnType<typeof rawWebSocket>> | undefined
    let polling: Awaited<ReturnType<typeof pollingSession>> | undefined
    const pollingSessions: NonNullable<typeof polling>[] = []
    let pollingOpen = false

    let sent = 0
    let calls = 0
    let answered = 0
    let dropped = 0
    const runCase = async (c: FuzzCase) => {
      if (c.kind === 'client') {
        if (CLIENT_RESERVED.has(c.event)) return // socket.io-client refuses these; the raw frames carry them
        const socket = await socketIoClient()
        sent++
        calls++
        const ack = await answerOrDrop(socket, c.event, c.args)
        if (ack === 'dropped') dropped++
        else {
          expect(ack).toMatchObject({ ok: expect.any(Boolean) })
          answered++
        }
        return
      }
      if (c.kind === 'websocket') {
        if (!ws || ws.closed()) {
          ws = await rawWebSocket(url)
          ws.send('40')
        }
        ws.send(c.frame)
        sent++
        return
      }
      if (!polling || !pollingOpen) {
        polling = await pollingSession(url)
        pollingSessions.push(polling)
        pollingOpen = (await polling.send('40')) === 200
      }
      const status = await polling.send(c.frame)
      sent++
      pollingOpen = status === 200 // a refused payload closes that session only
      if (pollingOpen) void polling.poll().then((r) => (pollingOpen = pollingOpen && r.status === 200))
    }

    const begun = performance.now()
    await fc.assert(
      fc.asyncProperty(
        fc.array(fuzzCase, { minLength: CASES_PER_BATCH, maxLength: CASES_PER_BATCH }),
        async (cases) => {
          // Socket.IO calls go out together (each awaits its own answer); raw frames keep their order.
          const pending = cases.filter((c) => c.kind === 'client').map(runCase)
          for (const c of cases) if (c.kind !== 'client') await runCase(c)
          await Promise.all(pending)
          console.log('batch', sent, calls, answered, dropped, (performance.now() - begun).toFixed(0))
        },
      ),
      { numRuns: BATCHES, endOnFailure: true },
    )
    await pairStillServed()
    const seconds = (performance.now() - begun) / 1000

    expect(sent).toBeGreaterThanOrEqual(MIN_CASES)
    expect(answered + dropped).toBe(calls) // every socket.io call ended one way or the other
    expect(answered).toBeGreaterThan(dropped)
    expect(logs.filter((line) => line.level >= 50)).toEqual([]) // no handler ever failed
    expect(logs.length).toBeLessThanOrEqual(Math.ceil(seconds) + 5) // one line a second for this IP

    // Everything the fuzzer opened goes; the relay's rooms, connections and per-IP slots return to the pair's.
    for (const socket of fuzzClients) socket.disconnect()
    ws?.ws.terminate()
    await Promise.all(pollingSessions.map((session) => session.send('1').catch(() => 0))) // Engine.IO close
    await vi.waitFor(
      async () => {
        const health = (await (await fetch(`${url}/healthz`)).json()) as {
          connections: number
          rooms: number
        }
        expect(health).toMatchObject({ connections: 2, rooms: 1 })
        expect(running.io.sockets.sockets.size).toBe(2)
      },
      { timeout: 40_000, interval: 200 },
    )
    await pairStillServed()
    for (const { socket } of pair) socket.disconnect()
    await vi.waitFor(() => {
      expect(running.io.engine.clientsCount).toBe(0)
      expect(running.io.sockets.adapter.rooms.size).toBe(0)
    })
    console.info(`fuzz: ${sent} cases in ${seconds.toFixed(1)} s; ${answered} answered, ${dropped} dropped`)
  }, 120_000)
})
