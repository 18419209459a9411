import type { Capabilities } from '@keyroom/key-events'
import type { RoomConnection, RoomEvents, Sendable, SendResult, VerifiedMessage } from '@keyroom/room-client'

/**
 * A hand-written room for a device's unit tests, in place of a connection: the test plays room events and
 * verified messages; `sent` and `caps` record what the device sent and announced.
 */
export interface FakeRoom extends Pick<RoomConnection, 'on' | 'send' | 'updateCapabilities'> {
  sent: Sendable[]
  caps: Capabilities[]
  emit<E extends keyof RoomEvents>(event: E, value: RoomEvents[E]): void
  /** Delivers a verified message from `from` with that sender's next sequence number. */
  deliver(from: string, body: VerifiedMessage['body']): void
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
