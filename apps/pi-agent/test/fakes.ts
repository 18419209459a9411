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
