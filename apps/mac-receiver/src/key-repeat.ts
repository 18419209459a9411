import { isModifier, type KeyCode, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import { systemTimers, type Timers } from '@keyroom/room-client'

/** The target's own repeat: the wait before the first repeat, then the time between repeats. */
export interface RepeatSettings {
  delayMs: number
  intervalMs: number
}

/**
 * How long a held key may go without a renewal before it stops repeating: two renewal intervals, so a renewal may
 * arrive up to 500 ms late without interrupting a hold. This is the repeat-storm bound: a key whose release is lost
 * or late repeats at most this long after the last renewal arrived (see the receiver README).
 */
export const REPEAT_STALL_MS = 2 * LEASE_RENEW_INTERVAL_MS

const locks: ReadonlySet<KeyCode> = new Set<KeyCode>(['CapsLock', 'NumLock', 'ScrollLock'])
/** Keys a physical keyboard never repeats: modifiers and locks. */
export const repeats = (code: KeyCode): boolean => !isModifier(code) && !locks.has(code)

/** The timers the repeat runs on; injected so tests run on fake timers. */
export type RepeatClock = Pick<Timers, 'setTimeout' | 'clearTimeout'>

export interface KeyRepeatOptions {
  /** keyroom's own repeat; absent where the display server repeats held keys itself (X11). */
  settings?: RepeatSettings
  /** @default REPEAT_STALL_MS */
  stallMs?: number
  /** @default systemTimers */
  clock?: RepeatClock
  /** Time for one repeat of `code` (only with `settings`). */
  onRepeat(code: KeyCode): void
  /** `code` went `stallMs` without a renewal: it must stop repeating. */
  onStall(code: KeyCode): void
  /** A renewal arrived for a stalled key: it may repeat again. */
  onResume(code: KeyCode): void
}

/** Repeat timing for held keys, tied to their renewals. */
export interface KeyRepeat {
  /** `code` went down (modifiers and locks are ignored). */
  start(code: KeyCode): void
  /** A renewal (or a second down) for `code` arrived. */
  touch(code: KeyCode): void
  /** `code` went up. */
  stop(code: KeyCode): void
  /** Whether `code` is held but stalled (no renewal for `stallMs`). */
  isStalled(code: KeyCode): boolean
  stopAll(): void
}

interface Entry {
  stalled: boolean
  stall: unknown
  tick: unknown
}

/**
 * Each repeating key has a stall timer, restarted by every renewal, and (with `settings`) a repeat timer: first
 * after `delayMs`, then every `intervalMs`, but never while the key is stalled.
 */
export function createKeyRepeat(options: KeyRepeatOptions): KeyRepeat {
  const clock = options.clock ?? systemTimers
  const stallMs = options.stallMs ?? REPEAT_STALL_MS
  const { settings } = options
  const entries = new Map<KeyCode, Entry>()

  const armStall = (code: KeyCode, entry: Entry) => {
    clock.clearTimeout(entry.stall)
    entry.stall = clock.setTimeout(() => {
      if (entries.get(code) !== entry) return
      entry.stalled = true
      clock.clearTimeout(entry.tick)
      options.onStall(code)
    }, stallMs)
  }
  const armTick = (code: KeyCode, entry: Entry, ms: number) => {
    if (!settings) return
    clock.clearTimeout(entry.tick)
    entry.tick = clock.setTimeout(() => {
      if (entries.get(code) !== entry || entry.stalled) return
      options.onRepeat(code)
      armTick(code, entry, settings.intervalMs)
    }, ms)
  }
  const clear = (entry: Entry) => {
    clock.clearTimeout(entry.stall)
    clock.clearTimeout(entry.tick)
  }

  return {
    start(code) {
      if (!repeats(code) || entries.has(code)) return
      const entry: Entry = { stalled: false, stall: undefined, tick: undefined }
      entries.set(code, entry)
      armStall(code, entry)
      if (settings) armTick(code, entry, settings.delayMs)
    },
    touch(code) {
      const entry = entries.get(code)
      if (!entry) return
      armStall(code, entry)
      if (!entry.stalled) return
      entry.stalled = false
      options.onResume(code)
      if (settings) armTick(code, entry, settings.intervalMs)
    },
    stop(code) {
      const entry = entries.get(code)
      if (!entry) return
      clear(entry)
      entries.delete(code)
    },
    isStalled: (code) => entries.get(code)?.stalled ?? false,
    stopAll() {
      for (const entry of entries.values()) clear(entry)
      entries.clear()
    },
  }
}
