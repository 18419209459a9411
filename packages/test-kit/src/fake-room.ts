import type { Capabilities, Role } from '@keyroom/key-events'
import type {
  DeviceRoomConnection,
  DeviceRoomEvents,
  RoomMessage,
  Sendable,
  SendResult,
} from '@keyroom/room-client'

/** A peer as a unit test plays one: the part of a device peer that receivers and agents read. */
export interface FakePeer {
  id: string
  role: Role
  name: string
  caps: Capabilities
  lastSeen?: number
}

/** A device room's events, with messages and peers reduced to what a unit test plays. */
export interface RoomEvents extends Omit<DeviceRoomEvents, 'message' | 'peers' | 'peer-left'> {
  message: RoomMessage
  peers: FakePeer[]
  'peer-left': FakePeer
}

/**
 * A hand-written room for a device's unit tests, in place of a connection: the test plays room events and
 * verified messages; `sent` and `caps` record what the device sent and announced.
 */
export interface FakeRoom extends Pick<DeviceRoomConnection, 'send' | 'updateCapabilities'> {
  on<E extends keyof RoomEvents>(event: E, listener: (value: RoomEvents[E]) => void): () => void
  sent: Sendable[]
  caps: Capabilities[]
  emit<E extends keyof RoomEvents>(event: E, value: RoomEvents[E]): void
  /** Delivers a verified message from `from` with that sender's next sequence number. */
  deliver(from: string, body: RoomMessage['body']): void
  listenerCount(): number
}

export function createFakeRoom(): FakeRoom {
  const listeners = new Map<keyof RoomEvents, Set<(value: never) => void>>()
  const seqs = new Map<string, number>()
  const room: FakeRoom = {
    sent: [],
    caps: [],
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (value: never) => void)
      return () => set.delete(listener as (value: never) => void)
    },
    send(body): Promise<SendResult> {
      room.sent.push(body)
      return Promise.resolve({ ok: true })
    },
    updateCapabilities(next) {
      room.caps.push(next)
    },
    emit(event, value) {
      for (const listener of listeners.get(event) ?? []) (listener as (v: typeof value) => void)(value)
    },
    deliver(from, body) {
      const seq = (seqs.get(from) ?? 0) + 1
      seqs.set(from, seq)
      room.emit('message', { from, seq, t: Date.now(), body })
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  }
  return room
}
