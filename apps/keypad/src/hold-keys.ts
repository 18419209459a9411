import type { KeyAction, KeyCode } from '@keyroom/key-events'
import { createLeaseRenewer, type Timers } from '@keyroom/room-client'

/** The timers hold-keys needs; injected so tests drive time by hand. */
export type IntervalTimers = Pick<Timers, 'setInterval' | 'clearInterval'>

export interface HoldKeysOptions {
  send(action: KeyAction): void
  timers: IntervalTimers
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
 * True hold: a key stays down while a finger is on it, and the room-client lease renewer renews its lease on the
 * receiver, so that a lost `up` releases it after HOLD_LEASE_MS at the latest.
 */
export function createHoldKeys(options: HoldKeysOptions): HoldKeys {
  const { send } = options
  const renewer = createLeaseRenewer<KeyCode>({
    renew: (codes) => send({ type: 'renew', codes }),
    timers: options.timers,
    ...(options.renewEveryMs ? { renewEveryMs: options.renewEveryMs } : {}),
  })

  return {
    down(pointerId, code) {
      // A pointer id that is still down elsewhere (missed up): release that key first.
      if (renewer.keyOf(pointerId) !== undefined) this.up(pointerId)
      if (renewer.hold(pointerId, code)) send({ type: 'key', code, phase: 'down' })
    },
    up(pointerId) {
      const code = renewer.release(pointerId)
      if (code !== undefined) send({ type: 'key', code, phase: 'up' })
    },
    releaseHeld() {
      const codes = renewer.clear()
      for (const code of codes) send({ type: 'key', code, phase: 'up' })
      return codes
    },
    forget() {
      renewer.clear()
    },
    held: () => renewer.held(),
  }
}
