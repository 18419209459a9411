import type {
  Capabilities,
  DevicesMessage,
  ManageMessage,
  Permissions,
  Role,
  SenderId,
  StatusMessage,
} from '@keyroom/key-events'
import type { Identity } from './identity.js'
import type { Target } from './targets.js'
import type { ConnectionState, Delivery, LinkHealth, RoomMessage, Sendable, SendResult } from './types.js'

/** What a pairing link carries: the relay, the room id, and who to pair with. No key that grants anything. */
export interface DeviceLink {
  /** Relay URL, `http(s)://host:port` (socket.io upgrades to WebSocket). */
  relay: string
  /** Room id: 16 random bytes, base64url (the relay sees it; a rendezvous, not a secret). */
  room: string
  /** The issuing device's identity public key (Ed25519): the device to trust. */
  peer?: Uint8Array
  /** The issuing device's name. */
  name?: string
  /** The single-use, short-lived pairing secret (16 bytes). */
  pairingSecret?: Uint8Array
}

/** A device this one sends key actions to: a receiver whose key came in a link the user accepted. */
export interface TrustedPeer {
  key: Uint8Array
  name?: string
  /** Presented (as a proof, never in the clear) to get approved inside the receiver's pairing window. */
  pairingSecret?: Uint8Array
}

export type DeviceState = 'approved' | 'pending' | 'revoked'

/** What a receiver's device store decided about a device. */
export interface GateDecision {
  state: DeviceState
  permissions?: Permissions
  /** May manage the receiver's devices. */
  admin?: boolean
}

/** A device, as the handshake authenticated it. */
export interface DeviceInfo {
  key: Uint8Array
  fingerprint: string
  name: string
  role: Role
  /** The six digits both sides show. */
  code: string
}

/**
 * The receiver side's approvals: consulted after every handshake, when a device proves a pairing secret, and when
 * `reconsider()` is called (the store changed). `provesSecret` is given only with a pairing proof.
 */
export type DeviceGate = (device: DeviceInfo, provesSecret?: (secret: Uint8Array) => boolean) => GateDecision

/** Another device in the room, authenticated by a handshake. */
export interface DevicePeer {
  /** Its session id (new on every connection). */
  id: SenderId
  role: Role
  name: string
  caps: Capabilities
  sid?: string
  /** Its identity public key, base64url, and the fingerprint people compare. */
  key: string
  fingerprint: string
  /** This device sends key actions to it (its key came in an accepted link). */
  trusted: boolean
  /** What this device's gate decided about it (receivers only). */
  approval?: GateDecision
  /** What it said about this device (a receiver's verdict: approved, pending with a code, revoked). */
  status?: StatusMessage
  /** The verification code of this pair. */
  code: string
  /** Local time (ms) of the last verified message from it. */
  lastSeen: number
  /** Round-trip time of the last ping it answered, in ms. */
  rttMs?: number
  /** The device list it last sent us (we are its admin). */
  devices?: DevicesMessage['devices']
}

/** What an admin device asked a receiver to do, and who asked. */
export type ManageRequest = Omit<ManageMessage, 'type'>

/**
 * Receivers: carries out an admin's `manage` request on the device store and returns the device list after it, or
 * why it could not (no such device). Only asked for requests from devices the gate marked `admin`.
 */
export type DeviceManager = (
  request: ManageRequest,
  asker: DeviceInfo,
) => { ok: true; value: DevicesMessage['devices'] } | { ok: false; error: { code: string; message: string } }

/** A message that opened under its pairwise session key, parsed, is in order, fresh and allowed. */
export interface DeviceMessage extends RoomMessage {
  /** Who sent it, as the handshake authenticated it. */
  device: { key: string; fingerprint: string; name: string; role: Role }
}

export type DeviceRejectReason =
  | 'invalid-frame'
  | 'unsupported-version'
  | 'cannot-open'
  | 'invalid-message'
  | 'invalid-handshake'
  | 'replayed'
  | 'stale'
  | 'unknown-session'
  | 'unknown-handshake'
  | 'bad-signature'
  | 'reflected'
  | 'too-many-peers'
  | 'not-approved'
  | 'revoked'
  | 'not-permitted'

/** A message that was dropped, and why; never thrown. */
export interface DeviceRejection {
  reason: DeviceRejectReason
  message: string
  from?: string
  /** A `stale` action's session seq (it opened, so it is authentic): what its sender's receipt names. */
  seq?: number
}

export interface DeviceRoomEvents {
  message: DeviceMessage
  reject: DeviceRejection
  state: ConnectionState
  peers: DevicePeer[]
  /** A device left: said bye, its socket left the relay room, or it went silent. */
  'peer-left': DevicePeer
  /** The relay refused something this client did (join, send), or the link is unusable. */
  error: { code: string; message: string }
  /** A key or pointer action settled: which receivers (session ids) got it, refused it, or said nothing. */
  delivery: Delivery
  /** With `heartbeatMs`: the link stalled (no answer within the heartbeat) or answers again. */
  link: LinkHealth
  /** The relay's member count for the room, from its room-info notices (this device included). */
  members: number
}

export interface DeviceRoomConnection {
  /** This device's session id on the current connection (new on every re-join). */
  readonly id: SenderId
  readonly identity: Identity
  readonly link: DeviceLink
  readonly state: ConnectionState
  /**
   * Seals and broadcasts; resolves with the relay's ack (or an `offline` error). A key or pointer action goes to the
   * trusted receivers `to` names (default `all`); none there is a `no-receiver` error. Notices ignore `to`.
   */
  send(body: Sendable, to?: Target): Promise<SendResult>
  /** Sends like `send` and resolves when that action settled (receipts from those it went to), within `timeoutMs`. */
  deliver(body: Sendable, timeoutMs?: number, to?: Target): Promise<{ sent: SendResult } & Delivery>
  /** The relay's member count for the room (this device included), as last announced; 0 before the join. */
  members(): number
  on<E extends keyof DeviceRoomEvents>(event: E, listener: (value: DeviceRoomEvents[E]) => void): () => void
  peers(): DevicePeer[]
  /** Pings the room; resolves after `timeoutMs` with the peers that answered and their RTT. */
  ping(timeoutMs?: number): Promise<Map<SenderId, number>>
  /** Changes what this device announces (e.g. `blocked`) and says hello again. */
  updateCapabilities(caps: Capabilities): void
  /** Asks the gate again about every peer (the device store changed) and tells each peer the outcome. */
  reconsider(): void
  /**
   * Admins: asks the receiver `peer` (a session id) to list, approve or revoke devices; its answer arrives as that
   * peer's `devices` (a `peers` event), a refusal as a notice.
   */
  manage(peer: SenderId, request: ManageRequest): Promise<SendResult>
  /** Says bye, leaves the room and disconnects. */
  close(): Promise<void>
}

export interface ConnectDeviceOptions {
  link: DeviceLink | string
  identity: Identity
  /** Devices to send key actions to, besides the link's `peer`. */
  trusted?: TrustedPeer[]
  /** Receivers and agents: which devices may act here. Without a gate no key action is accepted. */
  gate?: DeviceGate
  /** Receivers and agents: what their admin devices may change (`manage`). Without it every request is refused. */
  manager?: DeviceManager
  role: Role
  name: string
  caps?: Capabilities
  /** Clock, for tests. @default Date.now */
  now?: () => number
  /** How long to wait for the relay's ack. @default 5000 */
  ackTimeoutMs?: number
  /** Ask the relay for a cheap answer this often and report a stall (`link` event); off when 0. @default 0 */
  heartbeatMs?: number
}
