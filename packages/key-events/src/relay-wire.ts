import { z } from 'zod/mini'
import { JOIN_PROOF_CHARS } from './join-proof.js'
import { parseWith, type Result } from './result.js'

/**
 * The relay's own API: app-agnostic, the same as the seed relay's, plus `leave-room`, acks and `room-info`.
 * The relay never looks inside `payload`.
 */
export const RelayEvent = {
  joinRoom: 'join-room',
  leaveRoom: 'leave-room',
  broadcast: 'broadcast',
  broadcastAll: 'broadcast-all',
  roomInfo: 'room-info',
  /** Relay → client, just before the relay disconnects it: `{ code, message }` says why. */
  disconnectReason: 'disconnect-reason',
} as const

export const MAX_ROOM_NAME_LENGTH = 128
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_.:@-]+$/
export const MAX_EVENT_NAME_LENGTH = 64
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:-]+$/

/** Names a client may not broadcast: socket.io's own events and the relay's, which peers must be able to trust. */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
  RelayEvent.roomInfo,
  RelayEvent.disconnectReason,
])

export const RoomName = z
  .string({ error: 'room name must be a string' })
  .check(
    z.minLength(1, 'room name must not be empty'),
    z.maxLength(MAX_ROOM_NAME_LENGTH, `room name must be at most ${MAX_ROOM_NAME_LENGTH} characters`),
    z.regex(ROOM_NAME_PATTERN, 'room name may only contain letters, digits and _ . : @ -'),
  )

export const EventName = z.string({ error: 'eventName must be a string' }).check(
  z.minLength(1, 'eventName must not be empty'),
  z.maxLength(MAX_EVENT_NAME_LENGTH, `eventName must be at most ${MAX_EVENT_NAME_LENGTH} characters`),
  z.regex(EVENT_NAME_PATTERN, 'eventName may only contain letters, digits and _ . : -'),
  z.refine((name) => !RESERVED_EVENT_NAMES.has(name), 'eventName is reserved'),
)

/**
 * `join-room`'s argument: a room name (the seed relay's form), or `{ roomName, proof }` where `proof` is a join
 * proof (see join-proof.ts), which credentialed rooms require.
 */
export interface JoinRequest {
  roomName: string
  proof?: string
}
const JoinObject = z.object({
  roomName: RoomName,
  proof: z.optional(
    z
      .string({ error: 'proof must be a string' })
      .check(z.maxLength(JOIN_PROOF_CHARS, `proof must be at most ${JOIN_PROOF_CHARS} characters`)),
  ),
})

export function parseJoinRequest(input: unknown): Result<JoinRequest> {
  if (typeof input === 'string' || typeof input !== 'object' || input === null) {
    const room = parseRoomName(input)
    return room.ok ? { ok: true, value: { roomName: room.value } } : room
  }
  const parsed = parseWith(JoinObject, input, 'invalid-request')
  if (parsed.ok) {
    const { roomName, proof } = parsed.value
    return { ok: true, value: proof === undefined ? { roomName } : { roomName, proof } }
  }
  const { path } = parsed.error
  const code = path === 'roomName' ? 'invalid-room-name' : path === 'proof' ? 'invalid-proof' : undefined
  return code ? { ok: false, error: { ...parsed.error, code } } : parsed
}

export const BroadcastRequest = z.object({ roomName: RoomName, eventName: EventName, payload: z.unknown() })
export type BroadcastRequest = z.infer<typeof BroadcastRequest>

/** Sent by the relay to every member of a room when someone joins or leaves it. */
export interface RoomInfo {
  roomName: string
  count: number
  joined?: string
  left?: string
}

export const RELAY_ERROR_CODES = [
  'invalid-room-name',
  'invalid-request',
  'invalid-event-name',
  'reserved-event-name',
  'not-in-room',
  'too-many-rooms',
  'payload-too-large',
  'rate-limited',
  'flooding',
  'proof-required',
  'invalid-proof',
  'unknown-event',
  'internal-error',
] as const
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number]

export interface RelayError {
  code: RelayErrorCode
  message: string
}
/** What every relay call acknowledges with, when the client passes an ack callback. */
export type RelayAck = { ok: true } | { ok: false; error: RelayError }

export const parseRoomName = (input: unknown): Result<string> =>
  parseWith(RoomName, input, 'invalid-room-name')
export function parseBroadcastRequest(input: unknown): Result<BroadcastRequest> {
  const parsed = parseWith(BroadcastRequest, input, 'invalid-request')
  if (parsed.ok) return parsed
  const { path } = parsed.error
  if (path === 'roomName') return { ok: false, error: { ...parsed.error, code: 'invalid-room-name' } }
  if (path === 'eventName') {
    const reserved = parsed.error.message.endsWith('reserved')
    return {
      ok: false,
      error: { ...parsed.error, code: reserved ? 'reserved-event-name' : 'invalid-event-name' },
    }
  }
  return parsed
}

/** The relay's answer to a call: every call of {@link ClientEvents} takes one. */
export type RelayAckCallback = (answer: RelayAck) => void

/**
 * Client → relay calls, for a typed socket (`Socket<ServerEvents, ClientEvents>` in socket.io-client; socket.io's
 * own examples share their `ClientEvents` the same way). Types are not validation: the relay parses every argument
 * at run time (the parse… functions above), and a client may leave the ack out.
 */
export interface ClientEvents {
  [RelayEvent.joinRoom]: (request: string | JoinRequest, ack: RelayAckCallback) => void
  [RelayEvent.leaveRoom]: (roomName: string, ack: RelayAckCallback) => void
  [RelayEvent.broadcast]: (request: BroadcastRequest, ack: RelayAckCallback) => void
  [RelayEvent.broadcastAll]: (request: BroadcastRequest, ack: RelayAckCallback) => void
}

/** Relay → client events of the relay itself. */
export interface ServerEvents {
  [RelayEvent.roomInfo]: (info: RoomInfo) => void
  [RelayEvent.disconnectReason]: (error: RelayError) => void
}

/**
 * What a client hears from the other members of its rooms under `Name`: the `payload` of their broadcasts, which
 * the relay passes on unread. Untrusted: parse it before use.
 */
export type RelayedEvents<Name extends string> = { [N in Name]: (payload: unknown) => void }
