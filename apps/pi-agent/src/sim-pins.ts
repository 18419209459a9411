import type { InputPin, Level, OutputPin, Pins } from './pins.js'

/** One line of the simulator's output. */
export interface SimLine {
  pin: number
  value: Level
  event: 'open' | 'write' | 'close' | 'input'
}

export interface SimPins extends Pins {
  /** Simulates an edge on an input pin (from stdin in the CLI, directly in tests). */
  inject(pin: number, level: Level): boolean
}

/**
 * Pins that only print: one JSON object per line (`{"pin":17,"value":1,"event":"write"}`) for every change, so the
 * agent runs on a laptop and tests can follow it on stdout.
 */
export function createSimPins(write: (line: string) => void): SimPins {
  const levels = new Map<number, Level>()
  const watchers = new Map<number, (level: Level) => void>()
  const print = (line: SimLine) => write(`${JSON.stringify(line)}\n`)
  const taken = (pin: number) => {
    if (levels.has(pin)) throw new Error(`BCM ${pin} is already open`)
  }

  return {
    output(pin, initial): OutputPin {
      taken(pin)
      levels.set(pin, initial)
      print({ pin, value: initial, event: 'open' })
      return {
        pin,
        write(level) {
          if (!levels.has(pin)) throw new Error(`BCM ${pin} is closed`)
          levels.set(pin, level)
          print({ pin, value: level, event: 'write' })
        },
        read: () => levels.get(pin) ?? 0,
        close() {
          const value = levels.get(pin)
          if (value === undefined) return
          levels.delete(pin)
          print({ pin, value, event: 'close' })
        },
      }
    },
    input(pin, onChange): InputPin {
      taken(pin)
      levels.set(pin, 0)
      watchers.set(pin, onChange)
      return {
        pin,
        read: () => levels.get(pin) ?? 0,
        close() {
          levels.delete(pin)
          watchers.delete(pin)
        },
      }
    },
    inject(pin, level) {
      const watcher = watchers.get(pin)
      if (!watcher) return false
      levels.set(pin, level)
      print({ pin, value: level, event: 'input' })
      watcher(level)
      return true
    },
  }
}
