import { KEYROOM_EVENT, type RelayAck, RelayEvent, type Role } from '@keyroom/key-events'
import {
  type ConnectRoomOptions,
  connectRoom,
  createRoom,
  type Peer,
  type Rejection,
  type RoomConnection,
  type RoomLink,
  type VerifiedMessage,
} from '@keyroom/room-client'
import { io, type Socket } from 'socket.io-client'
import { vi } from 'vitest'
import { type Cleanup, perTest } from './cleanup.js'
import { withLegacyRoomId } from './legacy-room.js'

export type Member = RoomConnection & { received: VerifiedMessage[]; rejected: Rejection[] }

/** A connected room client that records what it hears and what it rejects, closed when the test ends. */
export async function joinRoom(
  link: RoomLink,
  role: Role,
  name: string,
  extra: Partial<ConnectRoomOptions> = {},
  cleanup: Cleanup = perTest,
): Promise<Member> {
  const room = connectRoom({ link, role, name, ...extra })
  const received: VerifiedMessage[] = []
  const rejected: Rejection[] = []
  room.on('message', (m) => received.push(m))
  room.on('reject', (r) => rejected.push(r))
  cleanup(() => room.close())
  await vi.waitFor(
    () => {
      if (room.state !== 'connected') throw new Error(`still ${room.state}`)
    },
    { timeout: 15_000 },
  )
  return Object.assign(room, { received, rejected })
}

/** Waits until `room` has verified a peer with this name (both sides answered each other's challenge). */
export async function waitForPeer(room: RoomConnection, name: string, timeout = 15_000): Promise<Peer> {
  return vi.waitFor(
    () => {
      const peer = room.peers().find((p) => p.name === name)
      if (!peer) throw new Error(`${name} not in the room yet`)
      return peer
    },
    { timeout, interval: 50 },
  )
}

/** A room as made before join credentials: a random 16-byte id anyone who knows it can join on the relay. */
export const legacyRoom = (relay: string): RoomLink => withLegacyRoomId(createRoom(relay))

/**
 * Someone who knows the room id (the relay sees it) but not the room key: a plain socket.io client in the room that
 * records what it hears and can broadcast anything.
 */
export interface Intruder {
  socket: Socket
  /** The relay's answer to the join: a credentialed room refuses a client without the key. */
  joined: RelayAck
  /** Sealed payloads the others sent, as the relay passed them on. */
  captured: unknown[]
  broadcast(payload: unknown): Promise<unknown>
}

export async function joinAsIntruder(
  relayUrl: string,
  room: string,
  cleanup: Cleanup = perTest,
): Promise<Intruder> {
  const socket: Socket = io(relayUrl, { transports: ['websocket'] })
  cleanup(() => socket.disconnect())
  const captured: unknown[] = []
  socket.on(KEYROOM_EVENT, (payload: unknown) => captured.push(payload))
  const joined = await new Promise<RelayAck>((resolve) => socket.emit(RelayEvent.joinRoom, room, resolve))
  return {
    socket,
    joined,
    captured,
    broadcast: (payload: unknown) =>
      new Promise((resolve) =>
        socket.emit(RelayEvent.broadcast, { roomName: room, eventName: KEYROOM_EVENT, payload }, resolve),
      ),
  }
}
