import type { IncomingMessage, ServerResponse } from 'node:http'
import sirv from 'sirv'
import type { RedisState } from './redis-link.js'

export interface Status {
  uptimeSeconds: number
  connections: number
  rooms: number
  /** The link to the other relays: `off` when this relay runs alone. */
  redis: 'off' | RedisState
}

/**
 * The keypad's Content-Security-Policy: whoever can run script in the keypad can read what it types, so only the
 * relay's own files run (Vite's build has no inline script) and the page may connect only back to this relay
 * (`'self'` covers ws/wss to the same host). Images and media may be `data:`/`blob:` (QR codes, the camera).
 */
export const KEYPAD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

/**
 * Plain HTTP beside Socket.IO: health, metrics and, when configured, the built keypad as a single-page app.
 * Socket.IO answers `/socket.io/` before these run, so a keypad file can never shadow it.
 */
export function createHttpRoutes(options: {
  staticDir?: string | undefined
  status: () => Status
  metrics: () => string
}) {
  const serveStatic = options.staticDir
    ? sirv(options.staticDir, { single: true, etag: true, dotfiles: false })
    : undefined

  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      const status = options.status()
      // Degraded still answers 200: the relay serves its local rooms, and restarting it would not bring Redis back.
      const degraded = status.redis === 'down' || status.redis === 'stalled'
      res.end(JSON.stringify({ status: degraded ? 'degraded' : 'ok', ...status }))
      return
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' })
      res.end(options.metrics())
      return
    }
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('not found\n')
    }
    if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
      // The room key lives in the URL fragment; a keypad page must not leak its URL anywhere.
      res.setHeader('referrer-policy', 'no-referrer')
      res.setHeader('x-content-type-options', 'nosniff')
      res.setHeader('content-security-policy', KEYPAD_CSP)
      // Another site must not frame the keypad to trick taps (frame-ancestors, for browsers without CSP 2).
      res.setHeader('x-frame-options', 'DENY')
      serveStatic(req, res, notFound)
      return
    }
    notFound()
  }
}
