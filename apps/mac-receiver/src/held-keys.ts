import type { KeyCode } from '@keyroom/key-events'
import { createLeaseTable, type Release, type Timers } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { releaseOrder } from './pressed-keys.js'
import { createSerial, type Serial } from './serial.js'

export type ReleaseReason =
  | 'key-up'
  | 'lease-expired'
  | 'release-all'
  | 'peer-left'
  | 'socket-drop'
  | 'shutdown'
  | 'uncaught-error'

/** What holds are pressed on: the keyboard, or the pointer's buttons. */
export interface Presser<K> {
  pressKey(key: K): Promise<void>
  releaseKey(key: K): Promise<void>
}

export interface HeldKeysOptions<K extends string = KeyCode> {
  keyboard: Presser<K>
  logger: Logger
  /** How long a held key stays down without a renewal. @default HOLD_LEASE_MS */
  leaseMs?: number
  /** Lease expiries run on this queue, so they never interleave with other keyboard calls. */
  serial?: Serial
  /** @default systemTimers */
  timers?: Timers
}

/**
 * Which keys are held, by whom (the room-client lease table), pressed and released on this keyboard. Nothing here
 * throws on release: a key that fails to release is logged and the others are still released.
 */
export interface HeldKeys<K extends string = KeyCode> {
  /**
   * Presses `code` for `sender` (or renews its lease if it already holds it), with a lease of `leaseMs` when given
   * (what is left of one that began when the down arrived). Throws if the keyboard refuses.
   */
  down(sender: string, code: K, leaseMs?: number): Promise<void>
  /** Releases `sender`'s hold on `code`; releases the key if nobody holds it. */
  up(sender: string, code: K): Promise<void>
  /** Extends the leases of the keys `sender` holds; codes it does not hold are ignored. */
  renew(sender: string, codes: readonly K[]): void
  /** Whether any sender holds `code`. */
  isHeld(code: K): boolean
  /** Releases everything `sender` holds, in {@link releaseOrder}. */
  releaseSender(sender: string, reason: ReleaseReason): Promise<void>
  /** Releases every held key of every sender. */
  releaseAll(reason: ReleaseReason): Promise<void>
  /** Held keys and who holds them, for status and tests. */
  snapshot(): Record<string, string[]>
}

/** Keys (or, with K = PointerButton, mouse buttons) held per sender under leases. */
export function createHeldKeys<K extends string = KeyCode>(options: HeldKeysOptions<K>): HeldKeys<K> {
  const { keyboard, logger } = options
  const serial = options.serial ?? createSerial()
  const leases = createLeaseTable<K>({
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    onExpire(lease) {
      void serial.run(async () => {
        // Renewed (or released) while this expiry waited in the queue: `expire` leaves it alone.
        await settle(lease.sender, lease.key, leases.expire(lease), 'lease-expired')
      })
    },
  })

  const settle = async (sender: string, code: K, release: Release | undefined, reason: ReleaseReason) => {
    if (release === 'still-held') {
      logger.debug(
        { code, sender, reason, stillHeldBy: leases.holderCount(code) },
        'key still held by another sender',
      )
    }
    if (release !== 'free') return
    try {
      await keyboard.releaseKey(code)
      logger.info({ code, sender, reason }, 'released key')
    } catch (error) {
      logger.error({ code, sender, reason, err: error }, 'could not release key')
    }
  }

  const releaseSender = async (sender: string, reason: ReleaseReason) => {
    for (const code of releaseOrder(leases.heldBy(sender)))
      await settle(sender, code, leases.release(sender, code), reason)
  }

  return {
    async down(sender, code, leaseMs) {
      if (!leases.holds(sender, code) && !leases.isHeld(code)) await keyboard.pressKey(code)
      leases.hold(sender, code, leaseMs)
    },
    async up(sender, code) {
      if (leases.holds(sender, code)) {
        await settle(sender, code, leases.release(sender, code), 'key-up')
        return
      }
      // An up for a key this sender does not hold (its lease ran out, or the down was lost): nothing to release.
      // Releasing blind is not harmless: libnut's macOS key-up toggles the modifier's flag on (see pressed-keys.ts).
      logger.debug({ code, sender }, 'up for a key this sender does not hold: ignored')
    },
    renew: (sender, codes) => leases.renew(sender, codes),
    isHeld: (code) => leases.isHeld(code),
    releaseSender,
    async releaseAll(reason) {
      for (const sender of leases.senders()) await releaseSender(sender, reason)
    },
    snapshot: () => leases.snapshot(),
  }
}
