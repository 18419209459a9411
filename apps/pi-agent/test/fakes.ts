import type { Capabilities } from '@keyroom/key-events'
import type {
  DeviceMessage,
  DeviceRoomConnection,
  DeviceRoomEvents,
  Sendable,
  SendResult,
} from '@keyroom/room-client'
import pino from 'pino'
import type { InputPin, Level, OutputPin, Pins } from '../src/pins.js'

/** Pins that remember every write, open and close, by BCM number. */
export function createRecordingPins() {
  const levels = new Map<number, Level>()
  const log: { pin: number; event: 'open' | 'write' | 'close'; value?: Level }[] = []
  const closed: number[] = []
  const watchers = new Map<number, (level: Level) => void>()
  const pins: Pins = {
    output(pin, initial): OutputPin {
      if (levels.has(pin)) throw new Error(`BCM ${pin} already open`)
      levels.set(pin, initial)
      log.push({ pin, event: 'open', value: initial })
      return {
        pin,
        write(level) {
          levels.set(pin, level)
          log.push({ pin, event: 'write', value: level })
        },
        read: () => levels.get(pin) ?? 0,
        close() {
          levels.delete(pin)
          closed.push(pin)
          log.push({ pin, event: 'close' })
        },
      }
    },
    input(pin, onChange): InputPin {
      levels.set(pin, 1)
      watchers.set(pin, onChange)
      return {
        pin,
        read: () => levels.get(pin) ?? 0,
        close() {
          levels.delete(pin)
          watchers.delete(pin)
          closed.push(pin)
        },
      }
    },
  }
  return {
    pins,
    levels,
    log,
    closed,
    /** An edge on an input pin. */
    edge(pin: number, level: Level) {
      levels.set(pin, level)
      watchers.get(pin)?.(level)
    },
    touched: () => new Set(log.map((entry) => entry.pin)),
  }
}

export const silentLogger = () => pino({ level: 'silent' })

/**
 * A hand-written device room for the agents' unit tests, in place of `joinDeviceRoom()`: the test plays room events
 * and messages from approved devices (what the device room lets through); `sent` and `caps` record what the agent
 * sent and announced.
 */
export interface FakeDeviceRoom extends Pick<DeviceRoomConnection, 'on' | 'send' | 'updateCapabilities'> {
  sent: Sendable[]
  caps: Capabilities[]
  emit<E extends keyof DeviceRoomEvents>(event: E, value: DeviceRoomEvents[E]): void
  /** A message from session `from` (a keypad named after it) with that session's next sequence number. */
  deliver(from: string, body: DeviceMessage['body']): void
  listenerCount(): number
}

export function createFakeDeviceRoom(): FakeDeviceRoom {
  const listeners = new Map<keyof DeviceRoomEvents, Set<(value: never) => void>>()
  const seqs = new Map<string, number>()
  const room: FakeDeviceRoom = {
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
      const device = { key: `key-${from}`, fingerprint: `fp-${from}`, name: from, role: 'keypad' as const }
      room.emit('message', { from, seq, t: Date.now(), body, device })
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  }
  return room
}
