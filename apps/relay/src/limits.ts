/**
 * A token bucket's state: `burst` events at once, then `perSecond` sustained. Two plain numbers that live in the
 * connection's own record, taken by one shared function: a closure per connection cost 152 bytes more (measured
 * with 100,000 of each on Node 24 and 26; see bench/README.md).
 */
export interface TokenBucket {
  /** Starts at the burst. */
  tokens: number
  /** When `tokens` was last brought up to date, in ms of the relay's clock. */
  last: number
}

/** Takes one token at time `at` (ms); false when the bucket is empty. */
export function takeToken(bucket: TokenBucket, perSecond: number, burst: number, at: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.last) / 1000) * perSecond)
  bucket.last = at
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}

/** A token bucket per key (a client IP), forgetting the oldest keys beyond `maxKeys`. */
export function createKeyedBuckets(
  perSecond: number,
  burst: number,
  maxKeys: number,
  now: () => number = performance.now.bind(performance),
) {
  const buckets = new Map<string, TokenBucket>()
  return {
    take(key: string): boolean {
      const at = now()
      let bucket = buckets.get(key)
      if (!bucket) {
        if (buckets.size >= maxKeys) {
          const oldest = buckets.keys().next().value
          if (oldest !== undefined) buckets.delete(oldest)
        }
        bucket = { tokens: burst, last: at }
        buckets.set(key, bucket)
      }
      return takeToken(bucket, perSecond, burst, at)
    },
  }
}

/** Counts open connections per client IP. */
export function createConnectionCounter(maxPerIp: number) {
  const open = new Map<string, number>()
  return {
    /** Registers a connection; false (and nothing registered) when the IP is at its limit. */
    tryOpen(ip: string): boolean {
      const count = open.get(ip) ?? 0
      if (count >= maxPerIp) return false
      open.set(ip, count + 1)
      return true
    },
    close(ip: string): void {
      const count = (open.get(ip) ?? 1) - 1
      if (count <= 0) open.delete(ip)
      else open.set(ip, count)
    },
    count: (ip: string) => open.get(ip) ?? 0,
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters JSON escapes
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/

/**
 * JSON bytes of a flat object of plain strings, finite numbers, booleans and nulls (a sealed keyroom message is
 * one), counted without serialising it; undefined for anything else.
 */
function flatObjectBytes(payload: object): number | undefined {
  if (Object.getPrototypeOf(payload) !== Object.prototype) return undefined
  let bytes = 2 // {}
  let first = true
  for (const key in payload) {
    const value = (payload as Record<string, unknown>)[key]
    if (value === undefined) continue // JSON.stringify drops it
    if (NEEDS_JSON_ESCAPE.test(key)) return undefined
    bytes += Buffer.byteLength(key) + 3 + (first ? 0 : 1) // "key": and a comma before all but the first
    first = false
    if (typeof value === 'string') {
      if (NEEDS_JSON_ESCAPE.test(value)) return undefined
      bytes += Buffer.byteLength(value) + 2
    } else if (typeof value === 'number' && Number.isFinite(value)) bytes += String(value).length
    else if (typeof value === 'boolean') bytes += value ? 4 : 5
    else if (value === null) bytes += 4
    else return undefined
  }
  return bytes
}

/**
 * Bytes of a payload as it travels (its JSON, or its length for binary): the relay measures it, it never reads it.
 */
export function payloadBytes(payload: unknown): number {
  if (payload === undefined) return 0
  if (typeof payload === 'string' && !NEEDS_JSON_ESCAPE.test(payload)) return Buffer.byteLength(payload) + 2
  if (ArrayBuffer.isView(payload) || payload instanceof ArrayBuffer) return payload.byteLength
  if (typeof payload === 'object' && payload !== null) {
    const flat = flatObjectBytes(payload)
    if (flat !== undefined) return flat
  }
  try {
    const json = JSON.stringify(payload)
    return json === undefined ? 0 : Buffer.byteLength(json)
  } catch {
    // Cycles, BigInts, nesting too deep: nothing a client can send as JSON; treat as too large.
    return Number.POSITIVE_INFINITY
  }
}
