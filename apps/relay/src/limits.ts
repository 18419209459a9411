/** A token bucket: `burst` events at once, then `perSecond` sustained. */
export function createTokenBucket(
  perSecond: number,
  burst: number,
  now: () => number = performance.now.bind(performance),
) {
  let tokens = burst
  let last = now()
  return {
    /** Takes one token; false when the bucket is empty. */
    take(): boolean {
      const at = now()
      tokens = Math.min(burst, tokens + ((at - last) / 1000) * perSecond)
      last = at
      if (tokens < 1) return false
      tokens -= 1
      return true
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

/** Bytes of a payload as it travels: the relay measures it, it never reads it. */
export function payloadBytes(payload: unknown): number {
  if (payload === undefined) return 0
  if (typeof payload === 'string') return Buffer.byteLength(payload)
  if (ArrayBuffer.isView(payload) || payload instanceof ArrayBuffer) return payload.byteLength
  try {
    const json = JSON.stringify(payload)
    return json === undefined ? 0 : Buffer.byteLength(json)
  } catch {
    // Binary attachments inside objects or cycles: socket.io would refuse or split them; treat as too large.
    return Number.POSITIVE_INFINITY
  }
}
