import type { IntervalTimers } from '../src/hold-keys.js'

/** Hand-driven interval timers for tests: `advance(ms)` runs whatever falls due. */
export function createManualTimers(): IntervalTimers & { advance(ms: number): void; active(): number } {
  let now = 0
  let nextId = 1
  const intervals = new Map<number, { callback: () => void; every: number; due: number }>()
  return {
    setInterval(callback, every) {
      const id = nextId++
      intervals.set(id, { callback, every, due: now + every })
      return id
    },
    clearInterval(handle) {
      intervals.delete(handle as number)
    },
    advance(ms) {
      const end = now + ms
      for (let guard = 0; guard < 10_000; guard++) {
        const due = [...intervals.entries()].sort((a, b) => a[1].due - b[1].due)[0]
        if (!due || due[1].due > end) break
        now = due[1].due
        due[1].due += due[1].every
        due[1].callback()
      }
      now = end
    },
    active: () => intervals.size,
  }
}
