import type { RoomEvents, Sendable, SendResult, VerifiedMessage } from '@keyroom/room-client'
import type { ReceiverRoom } from '../src/receiver.js'

/** A hand-written room for unit tests: the test emits events; `sent` records what the receiver sends. */
export interface FakeRoom extends ReceiverRoom {
  sent: Sendable[]
  emit<E extends keyof RoomEvents>(event: E, value: RoomEvents[E]): void
  /** Delivers a verified message from `from` with the next sequence number. */
  deliver(from: string, body: VerifiedMessage['body']): void
  listenerCount(): number
}

export function createFakeRoom(): FakeRoom {
  const listeners = new Map<string, Set<(value: never) => void>>()
  const seqs = new Map<string, number>()
  const sent: Sendable[] = []
  const room: FakeRoom = {
    sent,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (value: never) => void)
      return () => set.delete(listener as (value: never) => void)
    },
    async send(body: Sendable): Promise<SendResult> {
      sent.push(body)
      return { ok: true }
    },
    emit(event, value) {
      for (const listener of listeners.get(event) ?? []) (listener as (v: typeof value) => void)(value)
    },
    deliver(from, body) {
      const seq = (seqs.get(from) ?? 0) + 1
      seqs.set(from, seq)
      room.emit('message', { from, seq, t: Date.now(), body })
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  }
  return room
}
