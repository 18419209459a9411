import type { KeyAction, PointerAction } from '@keyroom/key-events'
import type {
  ConnectDeviceOptions,
  ConnectionState,
  DeviceLink,
  DevicePeer,
  DeviceRoomConnection,
  ManageRequest,
  Target,
} from '@keyroom/room-client'
import type { RoomJoin } from './pairing.js'

/** How often the keypad pings the room to show the round-trip time. */
export const PING_EVERY_MS = 5_000
/** How long one ping waits for answers. */
export const PING_TIMEOUT_MS = 1_500
/** How often the keypad checks that the relay still answers; a stall shows within about twice this. */
export const HEARTBEAT_MS = 1_000

export interface SessionSnapshot {
  state: ConnectionState | 'unpaired'
  link: DeviceLink | undefined
  peers: readonly DevicePeer[]
  /** Fastest round trip to a receiver in the last ping, in ms. */
  rttMs: number | undefined
  /** The last thing that went wrong (a refused send, a relay error), for the status line. */
  problem: string | undefined
  /** The relay stopped answering the heartbeat: presses may not arrive although the socket looks connected. */
  stalled: boolean
  /**
   * Per device (sender id): whether the last action it was expected to acknowledge arrived there. Changes only when a
   * device's outcome changes, so a stream of delivered presses re-renders nothing.
   */
  delivery: Readonly<Record<string, { ok: true } | { ok: false; reason: string }>>
  /** The relay's own member count for the room, this phone included (0 before the join). */
  members: number
  /** Why the last connection attempt failed (socket.io's words), until one succeeds. */
  connectError: string | undefined
  /** A device's notice about this phone's own message, with the key pressed last before it (what caused it). */
  notice: { text: string; key: string | undefined; at: number } | undefined
}

export interface SessionOptions {
  /** Joins with this phone's identity (loaded with the crypto, after the first render: hence a promise). */
  connect(
    options: Omit<ConnectDeviceOptions, 'identity'>,
  ): Promise<DeviceRoomConnection> | DeviceRoomConnection
  /** What this phone calls itself in the room. */
  name: string
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export interface Session {
  open(join: RoomJoin): void
  /** Seals and sends now to the receivers `to` names (default: all); a refusal shows up as `problem`. */
  send(action: KeyAction | PointerAction, to?: Target): void
  /** Admins: asks a receiver (its session id) to list, approve or revoke devices; the answer lands on its peer. */
  manage(peer: string, request: ManageRequest): void
  close(): void
  subscribe(listener: () => void): () => void
  getSnapshot(): SessionSnapshot
}

const IDLE: SessionSnapshot = {
  state: 'unpaired',
  link: undefined,
  peers: [],
  rttMs: undefined,
  problem: undefined,
  stalled: false,
  delivery: {},
  members: 0,
  connectError: undefined,
  notice: undefined,
}

/** What a refused send was, in the words the status line uses. */
const SENT_WHAT: Partial<Record<KeyAction['type'] | PointerAction['type'], string>> = {
  text: 'Text',
  renew: 'A held key',
  'release-all': 'Release all',
}

/** The keypad's one room connection, as a store React can subscribe to. */
export function createSession(options: SessionOptions): Session {
  const listeners = new Set<() => void>()
  let snapshot = IDLE
  let room: DeviceRoomConnection | undefined
  /** Which open() is current: a connection that arrives after another open() (or close) is closed at once. */
  let opening = 0
  let unsubscribe: Array<() => void> = []
  let pingTimer: unknown
  let lastKey: string | undefined
  const update = (next: Partial<SessionSnapshot>) => {
    snapshot = { ...snapshot, ...next }
    for (const listener of listeners) listener()
  }

  let pinging = false
  /** A device appeared during a ping that it could not have answered: ping once more right after. */
  let pingAgain = false
  const ping = async (current: DeviceRoomConnection): Promise<void> => {
    if (current.state !== 'connected') return
    if (pinging) {
      pingAgain = true
      return
    }
    pinging = true
    pingAgain = false
    try {
      const answers = await current.ping(PING_TIMEOUT_MS)
      if (room !== current) return
      const times = [...answers.values()]
      update({ rttMs: times.length > 0 ? Math.min(...times) : undefined })
    } finally {
      pinging = false
    }
    if (pingAgain && room === current && snapshot.rttMs === undefined) return ping(current)
  }

  const close = () => {
    opening++
    for (const off of unsubscribe) off()
    unsubscribe = []
    if (pingTimer !== undefined) options.clearInterval(pingTimer)
    pingTimer = undefined
    const closing = room
    room = undefined
    pinging = false
    pingAgain = false
    void closing?.close()
    update(IDLE)
  }

  /** Follows a new connection: its state, devices, deliveries and notices become the snapshot. */
  const attach = (current: DeviceRoomConnection) => {
    room = current
    update({ state: current.state, peers: current.peers() })
    unsubscribe = [
      current.on('state', (state) => {
        update({
          state,
          ...(state === 'connected' ? { problem: undefined, connectError: undefined } : {}),
          // A round trip measured before going offline says nothing about now.
          ...(state === 'connected' ? {} : { rttMs: undefined }),
        })
        if (state === 'connected') void ping(current)
      }),
      current.on('peers', (peers) => {
        update({ peers })
        // Show the round trip as soon as a device appears, not only at the next interval.
        if (peers.length > 0 && snapshot.rttMs === undefined) void ping(current)
      }),
      current.on('error', (error) =>
        update(error.code === 'connect-error' ? { connectError: error.message } : { problem: error.message }),
      ),
      current.on('members', (members) => update({ members })),
      current.on('link', ({ stalled }) => update({ stalled })),
      current.on('delivery', (delivery) => {
        const outcome: Record<string, { ok: true } | { ok: false; reason: string }> = {}
        for (const id of delivery.delivered) outcome[id] = { ok: true }
        for (const { peer, reason } of delivery.lost) outcome[peer] = { ok: false, reason }
        for (const peer of delivery.missing) outcome[peer] = { ok: false, reason: 'no receipt' }
        const changed = Object.entries(outcome).filter(
          ([peer, now]) => JSON.stringify(snapshot.delivery[peer]) !== JSON.stringify(now),
        )
        if (changed.length > 0) update({ delivery: { ...snapshot.delivery, ...Object.fromEntries(changed) } })
      }),
      current.on('peer-left', (peer) => {
        if (!(peer.id in snapshot.delivery)) return
        const { [peer.id]: _gone, ...rest } = snapshot.delivery
        update({ delivery: rest })
      }),
      // A device could not do what this phone asked (a key it cannot press, injection blocked): say so here.
      current.on('message', ({ from, body }) => {
        if (body.type !== 'notice' || body.ref?.from !== current.id) return
        const name = current.peers().find((peer) => peer.id === from)?.name ?? 'a device'
        update({ notice: { text: `${name}: ${body.message}`, key: lastKey, at: Date.now() } })
      }),
    ]
    pingTimer = options.setInterval(() => void ping(current), PING_EVERY_MS)
  }

  return {
    open(join) {
      close()
      const mine = opening
      update({ state: 'connecting', link: join.link })
      const made = options.connect({
        link: join.link,
        trusted: join.trusted,
        role: 'keypad',
        name: options.name,
        caps: { inject: false, platform: 'browser' },
        heartbeatMs: HEARTBEAT_MS,
      })
      if (!(made instanceof Promise)) return attach(made)
      void made.then(
        (current) => {
          if (mine !== opening) return void current.close()
          attach(current)
        },
        (error: unknown) => mine === opening && update({ problem: `Could not start: ${String(error)}` }),
      )
    },
    send(action, to) {
      const current = room
      if (!current) {
        update({ problem: 'not paired with a room yet' })
        return
      }
      if (action.type === 'key' || action.type === 'chord') lastKey = action.code
      void current.send(action, to).then((result) => {
        // Offline is already what the status line says; repeating it per press would only hide that.
        if (result.ok || result.error.code === 'offline') return
        update({
          problem: `${SENT_WHAT[action.type] ?? 'A key press'} did not get through: ${result.error.message}`,
        })
      })
    },
    manage(peer, request) {
      void room?.manage(peer, request)
    },
    close,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
  }
}
