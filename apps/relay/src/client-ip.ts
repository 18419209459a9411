import type { IncomingMessage } from 'node:http'

/** Longest X-Forwarded-For entry taken as an address; a proxy writes addresses, never more. */
const MAX_ADDRESS_CHARS = 64

/**
 * The client's address. Behind `trustProxyHops` proxies of your own, each appends the address it saw to
 * `X-Forwarded-For`, so the entry that many hops from the right was written by your nearest proxy; everything to
 * its left was written by the client and is never trusted.
 */
export function clientIp(req: IncomingMessage, trustProxyHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown'
  if (trustProxyHops === 0) return peer
  const header = req.headers['x-forwarded-for']
  if (typeof header !== 'string') return peer
  // Node joins repeated X-Forwarded-For headers with ", ", so one split sees every hop.
  const hops = header.split(',')
  const entry = hops[Math.max(0, hops.length - trustProxyHops)]?.trim() ?? ''
  if (entry === '' || entry.length > MAX_ADDRESS_CHARS) return peer
  return entry
}
