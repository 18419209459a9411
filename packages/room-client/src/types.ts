import type {
  Capabilities,
  Envelope,
  HelloMessage,
  KeyAction,
  MessageBody,
  NoticeMessage,
  PointerAction,
  RelayAck,
  Result,
  Role,
  SenderId,
} from '@keyroom/key-events'

/** What a pairing link carries: where the relay is, which room, and the room key the relay never sees. */
export interface RoomLink {
  /** Relay URL, `http(s)://host:port` (socket.io upgrades to WebSocket). */
  relay: string
  /** Room id: 16 random bytes, base64url (the relay sees it). */
  room: string
  /** Room key: 32 random bytes (travels only in the URL fragment). */
  key: Uint8Array
}

/** Another device in the room, as it announced itself. */
export interface Peer {
  id: SenderId
  role: Role
  name: string
  caps: Capabilities
  sid?: string
  /** Local time (ms) of the last verified message from it. */
  lastSeen: number
  /** Round-trip time of the last ping it answered, in ms. */
  rttMs?: number
}

export type ConnectionState = 'connecting' | 'connected' | 'offline'

/** A message that opened under the room key, parsed, is in order and fresh. */
export interface VerifiedMessage {
  from: SenderId
  seq: number
  t: number
  body: MessageBody
}

export type RejectReason =
  | 'invalid-seal'
  | 'unsupported-version'
  | 'cannot-open'
  | 'invalid-message'
  | 'replayed'
  | 'stale'
  | 'clock-skew'
  | 'unverified'

/** A message that was dropped, and why; never thrown. */
export interface Rejection {
  reason: RejectReason
  message: string
  from?: string
}

export interface RoomEvents {
  message: VerifiedMessage
  reject: Rejection
  state: ConnectionState
  peers: Peer[]
  /** A device left: said bye, its socket left the relay room, or it went silent. */
  'peer-left': Peer
  /** The relay refused something this client did (join, send), or the link is unusable. */
  error: { code: string; message: string }
}

/** The relay's ack, or a client-side reason the message never left. */
export type SendResult = RelayAck | { ok: false; error: { code: 'offline' | 'timeout'; message: string } }

/** What a device may send: key and pointer actions, or a notice back to the room. */
export type Sendable = KeyAction | PointerAction | NoticeMessage

export interface RoomConnection {
  /** This device's sender id for this session. */
  readonly id: SenderId
  readonly link: RoomLink
  readonly state: ConnectionState
  /** Seals and broadcasts; resolves with the relay's ack (or an `offline` error). */
  send(body: Sendable): Promise<SendResult>
  on<E extends keyof RoomEvents>(event: E, listener: (value: RoomEvents[E]) => void): () => void
  peers(): Peer[]
  /** Pings the room; resolves after `timeoutMs` with the peers that answered and their RTT. */
  ping(timeoutMs?: number): Promise<Map<SenderId, number>>
  /** Changes what this device announces (e.g. `blocked`) and says hello again. */
  updateCapabilities(caps: Capabilities): void
  /** Says bye, leaves the room and disconnects. */
  close(): Promise<void>
}

export interface ConnectRoomOptions {
  link: RoomLink | string
  role: Role
  name: string
  caps?: Capabilities
  /** Clock, for tests. @default Date.now */
  now?: () => number
  /** How long to wait for the relay's ack. @default 5000 */
  ackTimeoutMs?: number
}

export type { Envelope, HelloMessage, Result }
