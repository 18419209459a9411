// Phone mode's first step: a phone cannot open the https keypad until it trusts the local authority, so the
// authority's certificate (public; never its key, which this module is not given) is served over plain http, at an
// unguessable path, for the pairing window only. Plain http can be altered on the Wi-Fi: the user compares the
// SHA-256 fingerprint start prints with the one the phone shows (SECURITY.md).
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'

/** The link's file name: the `.crt` a phone's installer looks for in Downloads. */
const FILE_NAME = 'keyroom-ca.crt'

export interface AuthorityDownload {
  /** `http://<host>:<port>/ca/<token>/keyroom-ca.crt`, with a new 128-bit token each time. */
  url: string
  close(): Promise<void>
}

/**
 * The port the authority is served on: `KEYROOM_CA_PORT`, or the relay's port + 1.
 * @returns the port, or why the value is not one.
 */
export function authorityPort(
  value: string | undefined,
  relayPort: number,
): { ok: true; value: number } | { ok: false; error: string } {
  const port = value === undefined || value === '' ? relayPort + 1 : Number(value)
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    return {
      ok: false,
      error: `KEYROOM_CA_PORT must be a port number (1-65535), not ${JSON.stringify(value)}`,
    }
  if (port === relayPort)
    return { ok: false, error: `KEYROOM_CA_PORT must differ from the relay's port (${relayPort})` }
  return { ok: true, value: port }
}

/**
 * Serves `der`, the authority's certificate, at one new unguessable path for `windowMs` from now; every other
 * request, and that path afterwards, is a 404. Rejects with the listen error (`code` EADDRINUSE for a busy port).
 * @param options.now @default Date.now
 */
export async function serveAuthority(options: {
  der: Uint8Array
  host: string
  port: number
  windowMs: number
  now?: () => number
}): Promise<AuthorityDownload> {
  const now = options.now ?? Date.now
  const closesAt = now() + options.windowMs
  const path = `/ca/${randomBytes(16).toString('base64url')}/${FILE_NAME}`
  const body = Buffer.from(options.der)
  const server = createServer((request, response) => {
    const served = (request.method === 'GET' || request.method === 'HEAD') && request.url === path
    if (!served || now() >= closesAt) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
      return void response.end('not found\n')
    }
    // DER, not PEM: iOS Safari installs a profile from either and Android's installer takes both, but DER is the
    // exact bytes the printed fingerprint is taken over (what both phones hash and show), with nothing to decode.
    // application/x-x509-ca-cert is the type both hand to their certificate installer.
    response.writeHead(200, {
      'content-type': 'application/x-x509-ca-cert',
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    response.end(request.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
