import type { KeyAction } from '@keyroom/key-events'
import {
  type ConnectDeviceOptions,
  createIdentity,
  createRoomId,
  type DevicePeer as Peer,
  type DeviceRoomConnection as RoomConnection,
  type DeviceRoomEvents as RoomEvents,
  type SendResult,
  systemTimers,
} from '@keyroom/room-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RoomJoin } from './pairing.js'
import { createSession, HEARTBEAT_MS, PING_EVERY_MS } from './session.js'

const identity = createIdentity()
/** A stored room's join: a receiver link to a fresh room on this relay. */
const receiverJoin = (relay: string): RoomJoin => ({
  link: { relay, room: createRoomId(), peer: createIdentity().publicKey, name: 'Mac' },
  trusted: [],
})

// The code under test runs on the platform's timers (systemTimers), faked here: each test moves time by hand.
beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

/** A hand-written RoomConnection: records sends, lets the test emit events and answer pings. */
function fakeConnection(options: Omit<ConnectDeviceOptions, 'identity'>) {
  const listeners = new Map<string, Set<(value: never) => void>>()
  const sent: unknown[] = []
  let state: RoomConnection['state'] = 'connecting'
  let result: SendResult = { ok: true }
  const pingAnswers = new Map<string, number>()
  let peers: Peer[] = []
  const connection: RoomConnection = {
    id: 'fake-id-0001',
    identity,
    link: typeof options.link === 'string' ? receiverJoin('http://x').link : options.link,
    get state() {
      return state
    },
    send: async (body) => {
      sent.push(body)
      return result
    },
    deliver: async (body) => {
      sent.push(body)
      return { sent: result, seq: sent.length, delivered: [], lost: [], missing: [] }
    },
    members: () => 0,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      set.add(listener as (value: never) => void)
      listeners.set(event, set)
      return () => set.delete(listener as (value: never) => void)
    },
    peers: () => peers,
    ping: async () => new Map(pingAnswers),
    updateCapabilities: () => undefined,
    reconsider: () => undefined,
    manage: async (_peer, request) => {
      sent.push({ manage: request })
      return result
    },
    close: vi.fn(async () => undefined),
  }
  const emit = <E extends keyof RoomEvents>(event: E, value: RoomEvents[E]) => {
    if (event === 'state') state = value as RoomConnection['state']
    if (event === 'peers') peers = value as Peer[]
    for (const listener of listeners.get(event) ?? []) (listener as (v: RoomEvents[E]) => void)(value)
  }
  return {
    connection,
    sent,
    emit,
    options,
    pingAnswers,
    refuse: (r: SendResult) => {
      result = r
    },
  }
}

function setup() {
  const made: Array<ReturnType<typeof fakeConnection>> = []
  const session = createSession({
    name: 'Test phone',
    connect: (options) => {
      const fake = fakeConnection(options)
      made.push(fake)
      return fake.connection
    },
    setInterval: systemTimers.setInterval,
    clearInterval: systemTimers.clearInterval,
  })
  return { session, made }
}

const peer: Peer = {
  id: 'mac-000001',
  role: 'mac-receiver',
  name: 'Mac',
  caps: { inject: true },
  lastSeen: 1,
  key: 'mac-key',
  fingerprint: 'AAAA-BBBB-CCCC-DDDD',
  trusted: true,
  code: '123456',
}

describe('session', () => {
  it('shows per device whether the last press arrived, re-rendering only when that changes (issue 18)', () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    expect(fake.options.heartbeatMs).toBe(HEARTBEAT_MS)
    let renders = 0
    session.subscribe(() => renders++)
    fake.emit('state', 'connected')
    fake.emit('peers', [peer])
    renders = 0
    for (let seq = 1; seq <= 20; seq++)
      fake.emit('delivery', { seq, delivered: [peer.id], lost: [], missing: [] })
    expect(session.getSnapshot().delivery).toEqual({ [peer.id]: { ok: true } })
    expect(renders).toBe(1)
    fake.emit('delivery', { seq: 21, delivered: [], lost: [], missing: [peer.id] })
    expect(session.getSnapshot().delivery[peer.id]).toEqual({ ok: false, reason: 'no receipt' })
    fake.emit('delivery', { seq: 22, delivered: [], lost: [{ peer: peer.id, reason: 'stale' }], missing: [] })
    expect(session.getSnapshot().delivery[peer.id]).toEqual({ ok: false, reason: 'stale' })
    fake.emit('peer-left', peer)
    expect(session.getSnapshot().delivery).toEqual({})
  })

  it('says when the link stalls and when it answers again', () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    fake.emit('state', 'connected')
    fake.emit('link', { stalled: true })
    expect(session.getSnapshot().stalled).toBe(true)
    fake.emit('link', { stalled: false, rttMs: 3 })
    expect(session.getSnapshot().stalled).toBe(false)
  })

  it('is unpaired until a room is opened, then joins as a keypad', () => {
    const { session, made } = setup()
    expect(session.getSnapshot().state).toBe('unpaired')
    const join = receiverJoin('http://relay.test')
    session.open(join)
    expect(made[0]?.options).toMatchObject({ role: 'keypad', name: 'Test phone', link: join.link })
    expect(session.getSnapshot()).toMatchObject({ state: 'connecting', link: join.link })
  })

  it('follows the connection state and the peers, and measures the round trip', async () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    fake.pingAnswers.set('mac-000001', 12).set('pi-00000001', 30)
    fake.emit('state', 'connected')
    fake.emit('peers', [peer])
    expect(session.getSnapshot().state).toBe('connected')
    expect(session.getSnapshot().peers).toEqual([peer])
    await vi.waitFor(() => expect(session.getSnapshot().rttMs).toBe(12))
    fake.emit('state', 'offline')
    expect(session.getSnapshot().state).toBe('offline')
  })

  it('pings as soon as a device appears when no round trip is known yet', async () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    fake.emit('state', 'connected') // starts a ping nobody answers
    fake.pingAnswers.set('mac-000001', 9)
    fake.emit('peers', [peer]) // arrives while that ping is still out
    await vi.waitFor(() => expect(session.getSnapshot().rttMs).toBe(9))
  })

  it('pings again every PING_EVERY_MS', async () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    fake.emit('state', 'connected')
    await vi.waitFor(() => expect(session.getSnapshot().rttMs).toBeUndefined())
    fake.pingAnswers.set('mac-000001', 7)
    vi.advanceTimersByTime(PING_EVERY_MS)
    await vi.waitFor(() => expect(session.getSnapshot().rttMs).toBe(7))
  })

  it('sends actions in order and shows a refused send as a problem', async () => {
    const { session, made } = setup()
    const actions: KeyAction[] = [
      { type: 'key', code: 'KeyA', phase: 'down' },
      { type: 'key', code: 'KeyA', phase: 'up' },
    ]
    session.send(actions[0]!)
    expect(session.getSnapshot().problem).toMatch(/not paired/)
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    for (const action of actions) session.send(action)
    expect(fake.sent).toEqual(actions)
    // Offline is what the status line already says: no problem line per press, and no internal words.
    fake.refuse({ ok: false, error: { code: 'offline', message: 'not connected to the relay' } })
    session.send({ type: 'release-all' })
    fake.refuse({ ok: false, error: { code: 'timeout', message: 'the relay did not answer in 5000 ms' } })
    session.send({ type: 'renew', codes: ['KeyA'] })
    await vi.waitFor(() =>
      expect(session.getSnapshot().problem).toBe(
        'A held key did not get through: the relay did not answer in 5000 ms',
      ),
    )
  })

  it('closes the old connection when another room is opened', () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    session.open(receiverJoin('http://relay.test'))
    expect(made[0]?.connection.close).toHaveBeenCalledOnce()
    expect(made).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(1)
    session.close()
    expect(vi.getTimerCount()).toBe(0)
    expect(session.getSnapshot().state).toBe('unpaired')
  })

  it("shows a device's notice about this phone's own message, and not about another phone's", () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    fake.emit('state', 'connected')
    fake.emit('peers', [peer])
    const notice = (from: string) => ({
      from: peer.id,
      seq: 3,
      t: 0,
      device: { key: peer.key, fingerprint: peer.fingerprint, name: peer.name, role: peer.role },
      body: {
        type: 'notice' as const,
        level: 'warn' as const,
        code: 'unsupported-key',
        message: 'Pause cannot be injected on linux: nut.js cannot press Pause',
        ref: { from, seq: 7 },
      },
    })
    fake.emit('message', notice('other-phone-01'))
    expect(session.getSnapshot().notice).toBeUndefined()
    // Tied to the key this phone pressed last: the one the receiver answered about.
    session.send({ type: 'key', code: 'Pause', phase: 'tap' })
    fake.emit('message', notice(fake.connection.id))
    expect(session.getSnapshot().notice).toMatchObject({
      text: 'Mac: Pause cannot be injected on linux: nut.js cannot press Pause',
      key: 'Pause',
    })
  })

  it('shows a receiver refusing this phone (not approved yet) in its own words, with the key that was refused', () => {
    const { session, made } = setup()
    session.open(receiverJoin('http://relay.test'))
    const fake = made[0]!
    fake.emit('state', 'connected')
    fake.emit('peers', [peer])
    session.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    fake.emit('message', {
      from: peer.id,
      seq: 4,
      t: 0,
      device: { key: peer.key, fingerprint: peer.fingerprint, name: peer.name, role: peer.role },
      body: {
        type: 'notice',
        level: 'error',
        code: 'not-approved',
        message: 'Test phone is not approved on Mac yet (code 123456)',
        ref: { from: fake.connection.id, seq: 1 },
      },
    })
    expect(session.getSnapshot().notice).toMatchObject({
      text: 'Mac: Test phone is not approved on Mac yet (code 123456)',
      key: 'KeyA',
    })
  })

  it('joins with the stored receivers trusted beside the link, and asks a receiver to manage devices', () => {
    const { session, made } = setup()
    const join = receiverJoin('http://relay.test')
    const pi = { key: createIdentity().publicKey, name: 'Pi' }
    session.open({ ...join, trusted: [pi] })
    expect(made[0]?.options).toMatchObject({ link: join.link, trusted: [pi], role: 'keypad' })
    session.manage(peer.id, { op: 'list' })
    expect(made[0]?.sent).toEqual([{ manage: { op: 'list' } }])
  })

  it('closes a connection that arrives after the room was switched (the crypto loads after the first render)', async () => {
    const made: Array<ReturnType<typeof fakeConnection>> = []
    const waiting: Array<() => void> = []
    const session = createSession({
      name: 'Test phone',
      connect: (options) =>
        new Promise((resolve) => {
          const fake = fakeConnection(options)
          made.push(fake)
          waiting.push(() => resolve(fake.connection))
        }),
      setInterval: systemTimers.setInterval,
      clearInterval: systemTimers.clearInterval,
    })
    session.open(receiverJoin('http://one.test'))
    session.open(receiverJoin('http://two.test'))
    for (const go of waiting) go()
    await vi.waitFor(() => expect(made[0]?.connection.close).toHaveBeenCalled())
    expect(made[1]?.connection.close).not.toHaveBeenCalled()
    made[1]?.emit('state', 'connected')
    expect(session.getSnapshot()).toMatchObject({ state: 'connected', link: { relay: 'http://two.test' } })
  })
})
