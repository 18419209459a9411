import { type KeyAction, type KeyCode, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'

/** The timer functions hold-keys needs; injected so tests drive time by hand. */
export interface Timers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export const browserTimers: Timers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}

export interface HoldKeysOptions {
  send(action: KeyAction): void
  timers: Timers
  /** @default LEASE_RENEW_INTERVAL_MS */
  renewEveryMs?: number
}

export interface HoldKeys {
  /** A pointer went down on a key: key down (unless another pointer already holds it), renewals start. */
  down(pointerId: number, code: KeyCode): void
  /** That pointer lifted, left the key or was cancelled: key up once no pointer holds the key. */
  up(pointerId: number): void
  /** Sends key up for every held key (the page was hidden). */
  releaseHeld(): KeyCode[]
  /** Forgets every held key without sending anything (a `release-all` went out instead). */
  forget(): void
  held(): KeyCode[]
}

/**
 * True hold: a key stays down while a finger is on it, and its lease on the receiver is renewed every
 * {@link LEASE_RENEW_INTERVAL_MS} so that a lost `up` releases it after HOLD_LEASE_MS at the latest.
 */
export function createHoldKeys(options: HoldKeysOptions): HoldKeys {
  const { send, timers } = options
  const every = options.renewEveryMs ?? LEASE_RENEW_INTERVAL_MS
  const pointers = new Map<number, KeyCode>()
  let timer: unknown
  const heldCodes = (): KeyCode[] => [...new Set(pointers.values())]
  const isHeld = (code: KeyCode) => [...pointers.values()].includes(code)

  const stop = () => {
    if (timer === undefined) return
    timers.clearInterval(timer)
    timer = undefined
  }
  const renew = () => {
    const codes = heldCodes().slice(0, 16)
    if (codes.length === 0) stop()
    else send({ type: 'renew', codes })
  }

  return {
    down(pointerId, code) {
      // A pointer id that is still down elsewhere (missed up): release that key first.
      if (pointers.has(pointerId)) this.up(pointerId)
      const already = isHeld(code)
      pointers.set(pointerId, code)
      if (!already) send({ type: 'key', code, phase: 'down' })
      if (timer === undefined) timer = timers.setInterval(renew, every)
    },
    up(pointerId) {
      const code = pointers.get(pointerId)
      if (code === undefined) return
      pointers.delete(pointerId)
      if (!isHeld(code)) send({ type: 'key', code, phase: 'up' })
      if (pointers.size === 0) stop()
    },
    releaseHeld() {
      const codes = heldCodes()
      pointers.clear()
      stop()
      for (const code of codes) send({ type: 'key', code, phase: 'up' })
      return codes
    },
    forget() {
      pointers.clear()
      stop()
    },
    held: heldCodes,
  }
}
