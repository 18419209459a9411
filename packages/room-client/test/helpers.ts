import type { Role } from '@keyroom/key-events'
import { withLegacyRoomId } from '@keyroom/test-kit'
import { onTestFinished, vi } from 'vitest'
import { connectRoom } from '../src/connect-room.js'
import { createRoom } from '../src/pairing-link.js'
import type {
  ConnectRoomOptions,
  Rejection,
  RoomConnection,
  RoomLink,
  VerifiedMessage,
} from '../src/types.js'

/** A connected room client that records what it hears, closed when the test ends. */
export async function joinRoom(
  link: RoomLink,
  role: Role,
  name: string,
  extra: Partial<ConnectRoomOptions> = {},
): Promise<RoomConnection & { received: VerifiedMessage[]; rejected: Rejection[] }> {
  const room = connectRoom({ link, role, name, ...extra })
  const received: VerifiedMessage[] = []
  const rejected: Rejection[] = []
  room.on('message', (m) => received.push(m))
  room.on('reject', (r) => rejected.push(r))
  onTestFinished(() => room.close())
  await vi.waitFor(() => {
    if (room.state !== 'connected') throw new Error(`still ${room.state}`)
  })
  return Object.assign(room, { received, rejected })
}

/** A room as made before join credentials: a random 16-byte id anyone who knows it can join on the relay. */
export const legacyRoom = (relay: string): RoomLink => withLegacyRoomId(createRoom(relay))

/** Waits until `room` has verified a peer with this name (the challenge handshake is done). */
export async function waitForPeer(room: RoomConnection, name: string): Promise<void> {
  await vi.waitFor(() => {
    if (!room.peers().some((p) => p.name === name)) throw new Error(`${name} not in the room yet`)
  })
}

export const keyActions = (messages: VerifiedMessage[]) =>
  messages
    .map((m) => m.body)
    .filter((b) =>
      ['key', 'chord', 'text', 'renew', 'release-all', 'move', 'scroll', 'button'].includes(b.type),
    )
