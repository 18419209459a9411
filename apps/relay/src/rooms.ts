import {
  isCredentialedRoom,
  parseBroadcastRequest,
  parseJoinRequest,
  parseRoomName,
  type RelayAck,
  type RelayError,
  type RelayErrorCode,
  RelayEvent,
  type RoomInfo,
  verifyJoinProof,
} from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Server, Socket } from 'socket.io'
import type { RelayConfig } from './config.js'
import { createKeyedBuckets, payloadBytes, type TokenBucket, takeToken } from './limits.js'
import { type LogBudget, quote } from './log-budget.js'
import type { Metrics } from './metrics.js'

type Ack = (answer: RelayAck) => void
type Handler = (socket: Socket, member: Member, args: unknown[]) => RelayAck

const OK: RelayAck = { ok: true }
const refuse = (code: RelayErrorCode, message: string): RelayAck => ({ ok: false, error: { code, message } })

/**
 * Application rooms live under this prefix inside Socket.IO. Connection ids (base64url) never contain `:`, so no
 * room a client names can be another connection's private room, on this relay or on any relay sharing Redis.
 */
const ROOM_PREFIX = 'room:'
/** The Socket.IO room an application room lives in. */
export const roomKey = (name: string): string => ROOM_PREFIX + name

/**
 * Join proofs are Ed25519 signatures, milliseconds of CPU each: every client IP may have this many checked at
 * once and this many a second after that (a NAT full of devices rejoining after a restart gets through in seconds).
 */
const PROOF_CHECKS = { burst: 32, perSecond: 4, maxKeys: 10_000 }

/** A rate-limit refusal within this long of the last one continues a client's flood. */
const FLOOD_GAP_MS = 1_000

export interface RoomContext {
  io: Server
  config: RelayConfig
  metrics: Metrics
  log: Logger
  /** Bounds what any one client IP can make the relay log. */
  logBudget: LogBudget
  /** Monotonic clock in ms. */
  now: () => number
  /** Members of a room (by its internal key) on every relay that shares it, not counting `excluding`. */
  countMembers(key: string, excluding?: string): Promise<number>
}

/** What the relay keeps per connection: one flat record (its token bucket's two numbers included). */
interface Member extends TokenBucket {
  ip: string
  /** Start of the current run of rate-limit refusals. */
  floodSince: number
  lastRateRefusal: number
}

/**
 * The seed relay's calls (`join-room`, `broadcast`, `broadcast-all`) plus `leave-room`, each with an optional ack.
 * Every name and argument is untrusted: calls are looked up by own keys only (a `Map`, never an object whose
 * prototype answers `toString`), arguments are parsed first, and nothing a client sends can throw out of the
 * per-event path. One set of functions serves every connection; a connection adds only its {@link Member}.
 */
export function createRoomCalls(context: RoomContext) {
  const { io, config, metrics, log, logBudget, now } = context
  const members = new WeakMap<Socket, Member>()
  const proofChecks = createKeyedBuckets(
    PROOF_CHECKS.perSecond,
    PROOF_CHECKS.burst,
    PROOF_CHECKS.maxKeys,
    now,
  )

  // Counting may ask the other relays, so room-info goes out once the count is known.
  const announce = (socket: Socket, room: string, change: { joined: string } | { left: string }) => {
    const key = roomKey(room)
    void context.countMembers(key, 'left' in change ? change.left : undefined).then((count) => {
      const info: RoomInfo = { roomName: room, count, ...change }
      socket.to(key).emit(RelayEvent.roomInfo, info)
      if ('joined' in change) socket.emit(RelayEvent.roomInfo, info)
    })
  }
  const joinedCount = (socket: Socket) => socket.rooms.size - 1 // every socket is in a room named by its id
  const notInRoom = (room: string) => refuse('not-in-room', `join room "${room}" before sending to it`)

  function relay(socket: Socket, input: unknown, includeSender: boolean): RelayAck {
    // Size first: an oversize payload is refused without being parsed any further.
    const size = payloadBytes((input as { payload?: unknown } | null | undefined)?.payload)
    if (size > config.maxPayloadBytes) {
      return refuse('payload-too-large', `payload is ${size} bytes; the limit is ${config.maxPayloadBytes}`)
    }
    const request = parseBroadcastRequest(input)
    if (!request.ok) return refuse(request.error.code as RelayErrorCode, request.error.message)
    const { roomName, eventName, payload } = request.value
    const key = roomKey(roomName)
    if (!socket.rooms.has(key)) return notInRoom(roomName)
    const local = io.sockets.adapter.rooms.get(key)?.size ?? 0
    if (includeSender) io.to(key).emit(eventName, payload)
    else socket.to(key).emit(eventName, payload)
    metrics.counters.eventsOut += includeSender ? local : local - 1
    return OK
  }

  const handlers: ReadonlyMap<string, Handler> = new Map<string, Handler>([
    [
      RelayEvent.joinRoom,
      (socket, member, [input]) => {
        const request = parseJoinRequest(input)
        if (!request.ok) return refuse(request.error.code as RelayErrorCode, request.error.message)
        const { roomName, proof } = request.value
        const key = roomKey(roomName)
        if (socket.rooms.has(key)) return OK
        if (joinedCount(socket) >= config.maxRoomsPerSocket) {
          return refuse('too-many-rooms', `a connection may join at most ${config.maxRoomsPerSocket} rooms`)
        }
        // Only members reach a credentialed room; any other name is a seed-style room anyone may join.
        if (isCredentialedRoom(roomName)) {
          if (proof === undefined) {
            return refuse(
              'proof-required',
              `room "${roomName}" takes a join proof: join with { roomName, proof }`,
            )
          }
          if (!proofChecks.take(member.ip)) {
            return refuse(
              'rate-limited',
              `more than ${PROOF_CHECKS.perSecond} join proofs a second from ${member.ip}`,
            )
          }
          const verified = verifyJoinProof(roomName, socket.id, proof)
          if (!verified.ok) return refuse('invalid-proof', verified.error.message)
        }
        void socket.join(key)
        announce(socket, roomName, { joined: socket.id })
        return OK
      },
    ],
    [
      RelayEvent.leaveRoom,
      (socket, _member, [name]) => {
        const room = parseRoomName(name)
        if (!room.ok) return refuse('invalid-room-name', room.error.message)
        const key = roomKey(room.value)
        if (!socket.rooms.has(key)) return notInRoom(room.value)
        void socket.leave(key)
        announce(socket, room.value, { left: socket.id })
        return OK
      },
    ],
    [RelayEvent.broadcast, (socket, _member, [request]) => relay(socket, request, false)],
    [RelayEvent.broadcastAll, (socket, _member, [request]) => relay(socket, request, true)],
  ])

  /** Logs at most what the client's IP budget allows, with the count of lines it held back. */
  function warn(ip: string, fields: Record<string, unknown>, message: string) {
    const suppressed = logBudget.take(ip)
    if (suppressed === false) return
    log.warn({ ip, ...fields, ...(suppressed > 0 ? { suppressed } : {}) }, message)
  }

  function answer(socket: Socket, member: Member, event: string, result: RelayAck, ack: Ack | undefined) {
    if (!result.ok) {
      metrics.refused(result.error.code)
      // Our own call names as they are; anything else a client sent, cut and quoted.
      const shown = handlers.has(event) ? event : quote(event)
      warn(
        member.ip,
        { socket: socket.id, event: shown, code: result.error.code },
        `refused ${shown}: ${result.error.message}`,
      )
    }
    ack?.(result)
  }

  /** A client over its rate for `floodDisconnectMs` without a second's pause is told why and disconnected. */
  function rateLimited(socket: Socket, member: Member, event: string, ack: Ack | undefined) {
    const at = now()
    if (at - member.lastRateRefusal > FLOOD_GAP_MS) member.floodSince = at
    member.lastRateRefusal = at
    if (at - member.floodSince < config.floodDisconnectMs) {
      const message = `more than ${config.eventsPerSecond} events per second`
      answer(socket, member, event, refuse('rate-limited', message), ack)
      return
    }
    const seconds = (config.floodDisconnectMs / 1000).toFixed(1)
    const error: RelayError = {
      code: 'flooding',
      message: `over ${config.eventsPerSecond} events per second for ${seconds} s: disconnected`,
    }
    metrics.counters.floodDisconnects++
    answer(socket, member, event, { ok: false, error }, ack)
    // The reason goes out before the close, which waits for it to be written.
    socket.emit(RelayEvent.disconnectReason, error)
    socket.disconnect(true)
  }

  function handle(socket: Socket, member: Member, event: unknown, args: unknown[], ack: Ack | undefined) {
    metrics.counters.eventsIn++
    const name = typeof event === 'string' ? event : `<${typeof event}>`
    if (!takeToken(member, config.eventsPerSecond, config.eventBurst, now())) {
      rateLimited(socket, member, name, ack)
      return
    }
    const handler = handlers.get(name)
    if (!handler) {
      answer(socket, member, name, refuse('unknown-event', `the relay has no ${quote(name)} call`), ack)
      return
    }
    const result = handler(socket, member, args)
    if (!isRelayAck(result)) throw new TypeError(`the ${name} handler returned no RelayAck`)
    answer(socket, member, name, result, ack)
  }

  // Shared by every connection: Socket.IO calls it with `this` set to the socket.
  function onEvent(this: Socket, event: unknown, ...args: unknown[]) {
    const member = members.get(this)
    // Frames read in the same batch as a flood's last one arrive after its disconnect: nothing to answer.
    if (!member || !this.connected) return
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined
    try {
      handle(this, member, event, args, ack)
    } catch (error) {
      // A bug of ours, never the client's input: counted, logged within the IP's budget, answered once.
      metrics.refused('internal-error')
      const suppressed = logBudget.take(member.ip)
      if (suppressed !== false) {
        log.error({ err: error, ip: member.ip, socket: this.id, suppressed }, 'handler failed')
      }
      try {
        ack?.(refuse('internal-error', 'the relay failed to handle this call'))
      } catch {
        // the ack itself failed (already sent): nothing more to tell this client
      }
    }
  }

  function onDisconnecting(this: Socket) {
    for (const key of this.rooms) {
      if (key.startsWith(ROOM_PREFIX)) announce(this, key.slice(ROOM_PREFIX.length), { left: this.id })
    }
  }

  return {
    /** Serves `socket`, whose client address (for its logs and join-proof budget) is `ip`. */
    attach(socket: Socket, ip: string): void {
      members.set(socket, {
        ip,
        tokens: config.eventBurst,
        last: now(),
        floodSince: 0,
        lastRateRefusal: Number.NEGATIVE_INFINITY,
      })
      socket.onAny(onEvent)
      socket.on('disconnecting', onDisconnecting)
    },
  }
}

function isRelayAck(value: unknown): value is RelayAck {
  if (typeof value !== 'object' || value === null) return false
  const { ok, error } = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } }
  if (ok === true) return true
  return ok === false && typeof error?.code === 'string' && typeof error.message === 'string'
}
