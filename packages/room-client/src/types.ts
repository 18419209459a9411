import type {
  KeyAction,
  MessageBody,
  NoticeMessage,
  PointerAction,
  RelayAck,
  SenderId,
} from '@keyroom/key-events'

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

/** What became of one sent action on the devices that acknowledge (session ids). */
export interface Delivery {
  seq: number
  /** Acknowledged it arrived. */
  delivered: SenderId[]
  /** Told us they refused it, and why (`not-approved`, `revoked`, `not-permitted`). */
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

/** The relay's ack, or a client-side reason the message never left. */
export type SendResult =
  | RelayAck
  | { ok: false; error: { code: 'offline' | 'timeout' | 'no-receiver'; message: string } }

/** What a device may send: key and pointer actions, or a notice back to the room. */
export type Sendable = KeyAction | PointerAction | NoticeMessage
