import type { ConnectionState, DeviceRoomConnection, RoomMessage } from '@keyroom/room-client'
import type { Logger } from 'pino'

/** Who a room event is about: the part of connectDevice's `DevicePeer` a device follows. */
type RoomPeer = { id: string; role: string; name: string }

/** The events a device follows, as connectDevice's connection gives them. */
export interface FollowedEvents {
  message: RoomMessage
  'peer-left': RoomPeer
  peers: RoomPeer[]
  state: ConnectionState
}

/** The part of a room connection that room events are read from; `connectDevice()` fits. */
export interface FollowedRoom {
  on<E extends keyof FollowedEvents>(event: E, listener: (value: FollowedEvents[E]) => void): () => void
}

/** What a device tells the room about a message it could not act on (a notice's level, code and text). */
export interface DeviceNotice {
  level: 'warn' | 'error'
  code: string
  message: string
  /** The message the notice answers, if any. */
  about?: Pick<RoomMessage, 'from' | 'seq'>
}

/** A notice's text is cut to this many characters: it echoes driver errors of any length. */
const NOTICE_MAX_CHARS = 500

/**
 * Sends a notice to the room and never throws: one that cannot go out is logged, since the device has nobody
 * else to tell.
 */
export function sendNotice(
  room: Pick<DeviceRoomConnection, 'send'>,
  logger: Logger,
  notice: DeviceNotice,
): void {
  const { level, code } = notice
  room
    .send({
      type: 'notice',
      level,
      code,
      message: notice.message.slice(0, NOTICE_MAX_CHARS),
      ...(notice.about ? { ref: { from: notice.about.from, seq: notice.about.seq } } : {}),
    })
    .then(
      (ack) => {
        if (!ack.ok) logger.warn({ code, error: ack.error }, 'could not send notice')
      },
      (error: unknown) => logger.warn({ err: error }, 'could not send notice'),
    )
}

export interface RoomFollower {
  /** A verified message from a sender. */
  message(message: RoomMessage): void
  /** A sender left the room (bye, its socket left, or it went silent): what it holds is released. */
  senderGone(senderId: string): void
  /** This device's own connection is not connected any more: everything held is released. */
  disconnected(state: Exclude<ConnectionState, 'connected'>): void
}

/** Subscribes a device to the room events every receiver acts on; returns the unsubscribe. */
export function followRoom(room: FollowedRoom, follower: RoomFollower): () => void {
  const offs = [
    room.on('message', (message) => follower.message(message)),
    room.on('peer-left', (peer) => follower.senderGone(peer.id)),
    room.on('state', (state) => {
      if (state !== 'connected') follower.disconnected(state)
    }),
  ]
  return () => {
    for (const off of offs) off()
  }
}

/**
 * Says who comes and goes, in words a person at the device's terminal reads: `keypad joined` once a member is
 * verified (not before: its first messages wait for the handshake), `keypad left` when it goes.
 */
export function announcePeers(room: FollowedRoom, logger: Logger): () => void {
  const known = new Map<string, RoomPeer>()
  const left = (peer: RoomPeer) => {
    if (!known.delete(peer.id)) return
    logger.info({ peer: peer.name }, `${peer.role} left`)
  }
  const offs = [
    room.on('peers', (peers) => {
      const now = new Set(peers.map((peer) => peer.id))
      for (const peer of [...known.values()]) if (!now.has(peer.id)) left(peer)
      for (const peer of peers) {
        if (known.has(peer.id)) continue
        known.set(peer.id, peer)
        logger.info({ peer: peer.name }, `${peer.role} joined`)
      }
    }),
    room.on('peer-left', left),
  ]
  return () => {
    for (const off of offs) off()
  }
}
