import type { Capabilities, MessageBody } from '@keyroom/key-events'
import type { RoomEvents, Sendable, SendResult } from '@keyroom/room-client'
import pino from 'pino'
import type { AgentRoom } from '../src/agent.js'
import type { InputPin, Level, OutputPin, Pins } from '../src/pins.js'

/** A room the test drives by hand: `deliver()` plays a verified message, `sent` records what the agent sent. */
export function createFakeRoom() {
  const listeners = new Map<keyof RoomEvents, Set<(value: never) => void>>()
  const sent: Sendable[] = []
  const caps: Capabilities[] = []
  let seq = 0
  const emit = <E extends keyof RoomEvents>(event: E, value: RoomEvents[E]) => {
    for (const listener of listeners.get(event) ?? []) (listener as (v: RoomEvents[E]) => void)(value)
  }
  const room: AgentRoom = {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (value: never) => void)
      return () => set.delete(listener as (value: never) => void)
    },
    send(body): Promise<SendResult> {
      sent.push(body)
      return Promise.resolve({ ok: true })
    },
    updateCapabilities(next) {
      caps.push(next)
    },
  }
  return {
    room,
    sent,
    caps,
    emit,
    deliver(body: MessageBody, from = 'keypad-0001') {
      seq += 1
      emit('message', { from, seq, t: Date.now(), body })
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  }
}

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
