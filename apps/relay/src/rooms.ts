import {
  parseBroadcastRequest,
  parseRoomName,
  type RelayAck,
  type RelayErrorCode,
  RelayEvent,
  type RoomInfo,
} from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Server, Socket } from 'socket.io'
import type { RelayConfig } from './config.js'
import { createTokenBucket, payloadBytes } from './limits.js'
import type { Metrics } from './metrics.js'

type Ack = (answer: RelayAck) => void
type Handler = (args: unknown[]) => RelayAck

const OK: RelayAck = { ok: true }
const refuse = (code: RelayErrorCode, message: string): RelayAck => ({ ok: false, error: { code, message } })

/** Refusals of one socket are logged at most this often, so a flood cannot flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 1_000

export interface RoomContext {
  io: Server
  config: RelayConfig
  metrics: Metrics
  log: Logger
  /** Members of a room on every relay that shares it, not counting `excluding`. */
  countMembers(room: string, excluding?: string): Promise<number>
}

/** Members of a room on this relay. */
const localCount = (io: Server, room: string): number => io.sockets.adapter.rooms.get(room)?.size ?? 0

/**
 * The seed relay's calls (`join-room`, `broadcast`, `broadcast-all`) plus `leave-room`, each with an optional ack.
 * Every argument is untrusted: it is parsed first, and nothing a client sends can throw out of a handler.
 */
export function attachRoomHandlers(socket: Socket, context: RoomContext): void {
  const { io, config, metrics, log } = context
  const bucket = createTokenBucket(config.eventsPerSecond, config.eventBurst)
  const joined = () => socket.rooms.size - 1 // socket.io puts every socket in a room named by its id
  const inRoom = (room: string) => room !== socket.id && socket.rooms.has(room)
  const notInRoom = (room: string) => refuse('not-in-room', `join room "${room}" before sending to it`)

  // Counting may ask the other relays, so room-info goes out once the count is known.
  const announce = (room: string, change: { joined: string } | { left: string }) => {
    void context.countMembers(room, 'left' in change ? change.left : undefined).then((count) => {
      const info: RoomInfo = { roomName: room, count, ...change }
      socket.to(room).emit(RelayEvent.roomInfo, info)
      if ('joined' in change) socket.emit(RelayEvent.roomInfo, info)
    })
  }

  const handlers: Record<string, Handler> = {
    [RelayEvent.joinRoom]: ([name]) => {
      const room = parseRoomName(name)
      if (!room.ok) return refuse('invalid-room-name', room.error.message)
      if (inRoom(room.value)) return OK
      if (room.value === socket.id || io.sockets.sockets.has(room.value)) {
        return refuse('invalid-room-name', 'room name is taken by a connection id')
      }
      if (joined() >= config.maxRoomsPerSocket) {
        return refuse('too-many-rooms', `a connection may join at most ${config.maxRoomsPerSocket} rooms`)
      }
      void socket.join(room.value)
      announce(room.value, { joined: socket.id })
      return OK
    },
    [RelayEvent.leaveRoom]: ([name]) => {
      const room = parseRoomName(name)
      if (!room.ok) return refuse('invalid-room-name', room.error.message)
      if (!inRoom(room.value)) return notInRoom(room.value)
      void socket.leave(room.value)
      announce(room.value, { left: socket.id })
      return OK
    },
    [RelayEvent.broadcast]: ([request]) => relay(request, false),
    [RelayEvent.broadcastAll]: ([request]) => relay(request, true),
  }

  function relay(input: unknown, includeSender: boolean): RelayAck {
    // Size first: an oversize payload is refused without being parsed any further.
    const size = payloadBytes((input as { payload?: unknown } | null | undefined)?.payload)
    if (size > config.maxPayloadBytes) {
      return refuse('payload-too-large', `payload is ${size} bytes; the limit is ${config.maxPayloadBytes}`)
    }
    const request = parseBroadcastRequest(input)
    if (!request.ok) return refuse(request.error.code as RelayErrorCode, request.error.message)
    const { roomName, eventName, payload } = request.value
    if (!inRoom(roomName)) return notInRoom(roomName)
    const members = localCount(io, roomName)
    if (includeSender) io.to(roomName).emit(eventName, payload)
    else socket.to(roomName).emit(eventName, payload)
    metrics.counters.eventsOut += includeSender ? members : members - 1
    return OK
  }

  let lastRefusalLog = 0
  let unloggedRefusals = 0
  function answer(event: string, result: RelayAck, ack: Ack | undefined) {
    if (!result.ok) {
      metrics.refused(result.error.code)
      const at = Date.now()
      if (at - lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
        log.warn(
          { socket: socket.id, event, code: result.error.code, suppressed: unloggedRefusals },
          `refused ${event}: ${result.error.message}`,
        )
        lastRefusalLog = at
        unloggedRefusals = 0
      } else unloggedRefusals++
    }
    ack?.(result)
  }

  function handle(event: string, args: unknown[]) {
    metrics.counters.eventsIn++
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined
    if (!bucket.take()) {
      answer(event, refuse('rate-limited', `more than ${config.eventsPerSecond} events per second`), ack)
      return
    }
    const handler = handlers[event]
    if (!handler) {
      answer(event, refuse('unknown-event', `the relay has no "${event}" call`), ack)
      return
    }
    let result: RelayAck
    try {
      result = handler(args)
    } catch (error) {
      log.error({ err: error, socket: socket.id, event }, 'handler failed')
      result = refuse('internal-error', 'the relay failed to handle this call')
    }
    answer(event, result, ack)
  }

  socket.onAny((event: unknown, ...args: unknown[]) => {
    handle(typeof event === 'string' ? event : String(event), args)
  })

  socket.on('disconnecting', () => {
    for (const room of socket.rooms) if (room !== socket.id) announce(room, { left: socket.id })
  })
}
