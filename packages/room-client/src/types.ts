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
  /**
   * Room id (the relay sees it): `k1.` + the public key of the room's join credential, derived from `key`, so only
   * key holders can join; or, for a room made before join credentials, 16 random bytes in base64url.
   */
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

/** What every accepted message has, whoever sent it: what a device acts on. */
export interface RoomMessage {
  /** The sender's session id. */
  from: SenderId
  seq: number
  /** ms on the sender's clock since the handshake. */
  t: number
  body: MessageBody
}

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
  | 'reflected'
  | 'rate-limited'
  | 'full'

/** A message that was dropped, and why; never thrown. */
export interface Rejection {
  reason: RejectReason
  message: string
  from?: string
  /** The dropped message's sequence number and body type, when it opened. */
  seq?: number
  type?: MessageBody['type']
  /** Rejections not reported since the last report (reports are rate-limited). */
  suppressed?: number
}

/** What became of one sent action on the devices that acknowledge (sender ids). */
export interface Delivery {
  seq: number
  /** Acknowledged it arrived. */
  delivered: SenderId[]
  /** Told us they dropped it, and why (`stale`, `unverified`…). */
  lost: { peer: SenderId; reason: string }[]
  /** Said nothing within the receipt timeout, or left first. */
  missing: SenderId[]
}

/** Whether the link to the relay answers: a stalled link looks connected to socket.io for many seconds. */
export interface LinkHealth {
  stalled: boolean
  /** Round trip of the last heartbeat the relay answered, in ms. */
  rttMs?: number
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
  /** A tracked action settled: who got it, who dropped it, who said nothing (see `send`). */
  delivery: Delivery
  /** The relay's own member count for the room, from its room-info notices (this device included). */
  members: number
  /** With `heartbeatMs`: the link stalled (no answer within the heartbeat) or answers again. */
  link: LinkHealth
}

/** The relay's ack, or a client-side reason the message never left. */
export type SendResult =
  | RelayAck
  | { ok: false; error: { code: 'offline' | 'timeout' | 'no-receiver'; message: string } }

/** What a device may send: key and pointer actions, or a notice back to the room. */
export type Sendable = KeyAction | PointerAction | NoticeMessage

export interface RoomConnection {
  /** This device's sender id for this session. */
  readonly id: SenderId
  readonly link: RoomLink
  readonly state: ConnectionState
  /**
   * Seals and broadcasts; resolves with the relay's ack (or an `offline` error). A key or pointer action (not a move
   * or scroll) is tracked: a `delivery` event follows once every receipt-giving peer answered, or after
   * RECEIPT_TIMEOUT_MS.
   */
  send(body: Sendable): Promise<SendResult>
  /** Sends like `send` and resolves when that action settles, within `timeoutMs`; the relay's ack is in `sent`. */
  deliver(body: Sendable, timeoutMs?: number): Promise<{ sent: SendResult } & Delivery>
  /** The relay's member count for the room (this device included), as last announced; 0 before the join. */
  members(): number
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
  /**
   * Acknowledge every key and pointer action from others with a sealed `receipt` (announced as `caps.receipts`).
   * @default true for receivers (any role but `keypad`)
   */
  receipts?: boolean
  /** Ask the relay for a cheap answer this often and report a stall (`link` event) when none comes in time; off when 0. @default 0 */
  heartbeatMs?: number
}

export type { Envelope, HelloMessage, Result }
