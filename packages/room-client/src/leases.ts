import { HOLD_LEASE_MS, LEASE_RENEW_INTERVAL_MS, MAX_RENEW_CODES } from '@keyroom/key-events'

/** The timer functions leases need; injected so tests run on fake timers. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/** The platform's timers, looked up on each call (so `vi.useFakeTimers()` replaces them). */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}

/** One sender's hold on one key, as handed to `onExpire`. */
export interface Lease<K> {
  readonly sender: string
  readonly key: K
}

/**
 * What releasing one hold did: `free` (nobody holds the key now: let it go), `still-held` (another sender holds
 * it), `not-held` (this sender did not hold it).
 */
export type Release = 'free' | 'still-held' | 'not-held'

export interface LeaseTableOptions<K> {
  /** Called when a hold's lease runs out; call {@link LeaseTable.expire} with it (at once or after a queue). */
  onExpire(lease: Lease<K>): void
  /** @default HOLD_LEASE_MS */
  leaseMs?: number
  /** @default systemTimers */
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>
}

/**
 * The receiver's half of hold leases: which sender holds which key, until when. A key stays held while at least
 * one sender holds it (two keypads holding Shift: it is free when the last lets go). The table only keeps
 * account; the caller presses and releases.
 */
export interface LeaseTable<K> {
  /**
   * Records `sender`'s hold on `key` and (re)starts its lease, of `ms` when given (what is left of a lease that began
   * before the hold could be recorded); true if the sender did not hold it already.
   */
  hold(sender: string, key: K, ms?: number): boolean
  /** Ends `sender`'s hold on `key`. */
  release(sender: string, key: K): Release
  /** Ends the hold `onExpire` reported, unless it was renewed or released since; undefined then. */
  expire(lease: Lease<K>): Release | undefined
  /** Restarts the leases of the keys `sender` holds; keys it does not hold are ignored. */
  renew(sender: string, keys: readonly K[]): void
  /** Whether `sender` holds `key`. */
  holds(sender: string, key: K): boolean
  /** Whether any sender holds `key`. */
  isHeld(key: K): boolean
  /** How many senders hold `key`. */
  holderCount(key: K): number
  /** The keys `sender` holds. */
  heldBy(sender: string): K[]
  /** Senders holding anything. */
  senders(): string[]
  /** Ends every hold of `sender`; returns the keys nobody holds any more. */
  releaseSender(sender: string): K[]
  /** Ends every hold; returns the keys that were held. */
  releaseAll(): K[]
  /** Held keys and who holds them, for status and tests. */
  snapshot(): Record<string, string[]>
}

interface Entry<K> extends Lease<K> {
  timer: unknown
}

export function createLeaseTable<K extends string>(options: LeaseTableOptions<K>): LeaseTable<K> {
  const timers = options.timers ?? systemTimers
  const leaseMs = options.leaseMs ?? HOLD_LEASE_MS
  const bySender = new Map<string, Map<K, Entry<K>>>()
  const holders = new Map<K, Set<string>>()

  const start = (sender: string, key: K, own: Map<K, Entry<K>>, ms = leaseMs) => {
    const previous = own.get(key)
    if (previous) timers.clearTimeout(previous.timer)
    const entry: Entry<K> = { sender, key, timer: undefined }
    entry.timer = timers.setTimeout(() => options.onExpire(entry), ms)
    // A pending expiry alone must not keep a Node process alive.
    ;(entry.timer as { unref?: () => void } | undefined)?.unref?.()
    own.set(key, entry)
  }

  const release = (sender: string, key: K): Release => {
    const own = bySender.get(sender)
    const entry = own?.get(key)
    if (!own || !entry) return 'not-held'
    timers.clearTimeout(entry.timer)
    own.delete(key)
    if (own.size === 0) bySender.delete(sender)
    const others = holders.get(key)
    others?.delete(sender)
    if (others && others.size > 0) return 'still-held'
    holders.delete(key)
    return 'free'
  }

  const table: LeaseTable<K> = {
    hold(sender, key, ms) {
      const own = bySender.get(sender) ?? new Map<K, Entry<K>>()
      bySender.set(sender, own)
      const fresh = !own.has(key)
      start(sender, key, own, ms)
      const set = holders.get(key) ?? new Set<string>()
      set.add(sender)
      holders.set(key, set)
      return fresh
    },
    release,
    expire(lease) {
      if (bySender.get(lease.sender)?.get(lease.key) !== lease) return undefined
      return release(lease.sender, lease.key)
    },
    renew(sender, keys) {
      const own = bySender.get(sender)
      if (!own) return
      for (const key of keys) if (own.has(key)) start(sender, key, own)
    },
    holds: (sender, key) => bySender.get(sender)?.has(key) ?? false,
    isHeld: (key) => holders.has(key),
    holderCount: (key) => holders.get(key)?.size ?? 0,
    heldBy: (sender) => [...(bySender.get(sender)?.keys() ?? [])],
    senders: () => [...bySender.keys()],
    releaseSender(sender) {
      return table.heldBy(sender).filter((key) => release(sender, key) === 'free')
    },
    releaseAll() {
      const freed: K[] = []
      for (const sender of table.senders()) freed.push(...table.releaseSender(sender))
      return freed
    },
    snapshot() {
      return Object.fromEntries([...holders].map(([key, set]) => [key, [...set]]))
    },
  }
  return table
}

export interface LeaseRenewerOptions<K> {
  /** Sends one renewal for every key held right now (at most {@link MAX_RENEW_CODES}). */
  renew(keys: K[]): void
  /** @default LEASE_RENEW_INTERVAL_MS */
  renewEveryMs?: number
  /** @default systemTimers */
  timers?: Pick<Timers, 'setInterval' | 'clearInterval'>
}

/**
 * The sender's half of hold leases: while any holder (a finger, a button) holds a key, one timer renews every held
 * key so that a lost `up` releases it after the lease at the latest. Several holders of one key count as one key.
 */
export interface LeaseRenewer<K> {
  /** `holder` holds `key` (a holder holds one key at a time); true if no holder held that key before. */
  hold(holder: number | string, key: K): boolean
  /** `holder` let go; returns its key if no other holder holds it now, so the caller sends the `up`. */
  release(holder: number | string): K | undefined
  /** Whether any holder holds `key`. */
  isHeld(key: K): boolean
  /** The key `holder` holds. */
  keyOf(holder: number | string): K | undefined
  /** Held keys, each once, in the order they were first held. */
  held(): K[]
  /** Forgets every holder and stops renewing; returns the keys that were held. */
  clear(): K[]
}

export function createLeaseRenewer<K>(options: LeaseRenewerOptions<K>): LeaseRenewer<K> {
  const timers = options.timers ?? systemTimers
  const every = options.renewEveryMs ?? LEASE_RENEW_INTERVAL_MS
  const holders = new Map<number | string, K>()
  let timer: unknown
  const held = (): K[] => [...new Set(holders.values())]
  const isHeld = (key: K) => [...holders.values()].includes(key)

  const stop = () => {
    if (timer === undefined) return
    timers.clearInterval(timer)
    timer = undefined
  }
  const tick = () => {
    const keys = held().slice(0, MAX_RENEW_CODES)
    if (keys.length === 0) stop()
    else options.renew(keys)
  }

  return {
    hold(holder, key) {
      const fresh = !isHeld(key)
      holders.set(holder, key)
      if (timer === undefined) timer = timers.setInterval(tick, every)
      return fresh
    },
    release(holder) {
      const key = holders.get(holder)
      if (key === undefined) return undefined
      holders.delete(holder)
      if (holders.size === 0) stop()
      return isHeld(key) ? undefined : key
    },
    isHeld,
    keyOf: (holder) => holders.get(holder),
    held,
    clear() {
      const keys = held()
      holders.clear()
      stop()
      return keys
    },
  }
}
