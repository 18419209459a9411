import { HOLD_LEASE_MS, type KeyCode } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Keyboard } from './keyboard.js'
import { createSerial, type Serial } from './serial.js'

export type ReleaseReason =
  | 'key-up'
  | 'lease-expired'
  | 'release-all'
  | 'peer-left'
  | 'socket-drop'
  | 'shutdown'
  | 'uncaught-error'

export interface HeldKeysOptions {
  keyboard: Keyboard
  logger: Logger
  /** How long a held key stays down without a renewal. @default HOLD_LEASE_MS */
  leaseMs?: number
  /** Lease expiries run on this queue, so they never interleave with other keyboard calls. */
  serial?: Serial
}

/**
 * Which keys are held, by whom, until when. A key stays physically down while at least one sender holds it (two
 * keypads holding Shift: it goes up when the last lets go). Nothing here throws on release: a key that fails to
 * release is logged and the others are still released.
 */
export interface HeldKeys {
  /** Presses `code` for `sender` (or renews its lease if it already holds it). Throws if the keyboard refuses. */
  down(sender: string, code: KeyCode): Promise<void>
  /** Releases `sender`'s hold on `code`; releases the key if nobody holds it. */
  up(sender: string, code: KeyCode): Promise<void>
  /** Extends the leases of the keys `sender` holds; codes it does not hold are ignored. */
  renew(sender: string, codes: readonly KeyCode[]): void
  /** Whether any sender holds `code`. */
  isHeld(code: KeyCode): boolean
  /** Releases everything `sender` holds. */
  releaseSender(sender: string, reason: ReleaseReason): Promise<void>
  /** Releases every held key of every sender. */
  releaseAll(reason: ReleaseReason): Promise<void>
  /** Held keys and who holds them, for status and tests. */
  snapshot(): Record<string, string[]>
}

interface Lease {
  timer: ReturnType<typeof setTimeout>
}

export function createHeldKeys(options: HeldKeysOptions): HeldKeys {
  const { keyboard, logger } = options
  const leaseMs = options.leaseMs ?? HOLD_LEASE_MS
  const serial = options.serial ?? createSerial()
  const leases = new Map<string, Map<KeyCode, Lease>>()
  const holders = new Map<KeyCode, Set<string>>()

  const startLease = (sender: string, code: KeyCode) => {
    const own = leases.get(sender) ?? new Map<KeyCode, Lease>()
    leases.set(sender, own)
    const previous = own.get(code)
    if (previous) clearTimeout(previous.timer)
    const lease: Lease = {
      timer: setTimeout(() => {
        void serial.run(async () => {
          // Renewed (or released) while this expiry waited in the queue: not ours to release.
          if (leases.get(sender)?.get(code) !== lease) return
          await releaseHold(sender, code, 'lease-expired')
        })
      }, leaseMs),
    }
    lease.timer.unref?.()
    own.set(code, lease)
  }

  const releaseKey = async (code: KeyCode, context: Record<string, unknown>) => {
    try {
      await keyboard.releaseKey(code)
      logger.info({ code, ...context }, 'released key')
    } catch (error) {
      logger.error({ code, ...context, err: error }, 'could not release key')
    }
  }

  const releaseHold = async (sender: string, code: KeyCode, reason: ReleaseReason) => {
    const own = leases.get(sender)
    const lease = own?.get(code)
    if (!own || !lease) return
    clearTimeout(lease.timer)
    own.delete(code)
    if (own.size === 0) leases.delete(sender)
    const others = holders.get(code)
    others?.delete(sender)
    if (others && others.size > 0) {
      logger.debug({ code, sender, reason, stillHeldBy: others.size }, 'key still held by another sender')
      return
    }
    holders.delete(code)
    await releaseKey(code, { sender, reason })
  }

  return {
    async down(sender, code) {
      if (leases.get(sender)?.has(code)) {
        startLease(sender, code)
        return
      }
      const current = holders.get(code)
      if (!current || current.size === 0) await keyboard.pressKey(code)
      const set = current ?? new Set<string>()
      set.add(sender)
      holders.set(code, set)
      startLease(sender, code)
    },
    async up(sender, code) {
      if (leases.get(sender)?.has(code)) {
        await releaseHold(sender, code, 'key-up')
        return
      }
      // A release for a key nobody holds (its lease ran out, or the down was lost): releasing again is harmless.
      if (!holders.has(code)) {
        try {
          await keyboard.releaseKey(code)
        } catch (error) {
          logger.debug({ code, sender, err: error }, 'release of a key nobody holds failed')
        }
      }
    },
    renew(sender, codes) {
      const own = leases.get(sender)
      for (const code of codes) if (own?.has(code)) startLease(sender, code)
    },
    isHeld: (code) => holders.has(code),
    async releaseSender(sender, reason) {
      const codes = [...(leases.get(sender)?.keys() ?? [])]
      for (const code of codes) await releaseHold(sender, code, reason)
    },
    async releaseAll(reason) {
      for (const sender of [...leases.keys()]) {
        for (const code of [...(leases.get(sender)?.keys() ?? [])]) await releaseHold(sender, code, reason)
      }
    },
    snapshot() {
      return Object.fromEntries([...holders].map(([code, set]) => [code, [...set]]))
    },
  }
}
