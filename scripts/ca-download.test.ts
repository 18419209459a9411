import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { certificateFingerprint, ensureLocalCertificate } from '@keyroom/room-client/local-ca'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished } from 'vitest'
import { authorityPort, serveAuthority } from './ca-download.js'

const WINDOW_MS = 600_000

/** A real authority's ca.crt (DER) and its key file, as phone mode has them. */
async function authority() {
  const made = await ensureLocalCertificate({
    dir: join(tempDir('keyroom-ca-download-'), 'tls'),
    addresses: [],
  })
  return { der: readFileSync(made.caPhonePath), keyPem: readFileSync(made.caKeyPath, 'utf8') }
}

async function serve(der: Uint8Array, now?: () => number) {
  const download = await serveAuthority({
    der,
    host: '127.0.0.1',
    port: 0,
    windowMs: WINDOW_MS,
    ...(now && { now }),
  })
  onTestFinished(() => download.close())
  return download
}

/** A request with its path sent as written (fetch would resolve `..` segments first). */
function get(url: string, path = new URL(url).pathname, method = 'GET') {
  const { hostname, port } = new URL(url)
  return new Promise<{ status: number; type: string | undefined; length: string | undefined; body: Buffer }>(
    (resolve, reject) => {
      const sent = request({ hostname, port, path, method }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'],
            length: response.headers['content-length'],
            body: Buffer.concat(chunks),
          }),
        )
      })
      sent.on('error', reject)
      sent.end()
    },
  )
}

describe('serveAuthority', () => {
  it('serves the authority certificate, DER as in ca.crt, as application/x-x509-ca-cert at an unguessable path', async () => {
    const { der } = await authority()
    const download = await serve(der)
    expect(download.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ca\/[A-Za-z0-9_-]{22}\/keyroom-ca\.crt$/)
    const got = await get(download.url)
    expect(got.status).toBe(200)
    expect(got.type).toBe('application/x-x509-ca-cert')
    expect(got.body.equals(der)).toBe(true)
    // The fingerprint start prints is the one a phone computes from what it downloaded.
    expect(certificateFingerprint(got.body)).toBe(new X509Certificate(got.body).fingerprint256)
    expect(new X509Certificate(got.body).ca).toBe(true)

    const head = await get(download.url, undefined, 'HEAD')
    expect([head.status, head.length, head.body.length]).toEqual([200, String(der.length), 0])
  })

  it('makes a new 128-bit token each time it is started', async () => {
    const { der } = await authority()
    const token = (url: string) => new URL(url).pathname.split('/')[2] ?? ''
    const [a, b] = [await serve(der), await serve(der)]
    expect(Buffer.from(token(a.url), 'base64url')).toHaveLength(16)
    expect(token(a.url)).not.toBe(token(b.url))
  })

  it('answers 404 to every other path and method, and never serves the key', async () => {
    const { der, keyPem } = await authority()
    const download = await serve(der)
    const { pathname } = new URL(download.url)
    const token = pathname.split('/')[2] ?? ''
    const flipped = Buffer.from(Buffer.from(token, 'base64url').map((byte) => byte ^ 1)).toString('base64url')
    const wrongToken = `/ca/${flipped}/keyroom-ca.crt`
    for (const path of [
      wrongToken,
      '/',
      '/ca/',
      `/ca/${token}/`,
      `/ca/${token}/ca-key.pem`,
      `/ca/${token}/key.pem`,
      `/ca/${token}/../ca-key.pem`,
      '/ca-key.pem',
      `${pathname}?x=1`,
      pathname.toUpperCase(),
    ]) {
      const got = await get(download.url, path)
      expect({ path, status: got.status }).toEqual({ path, status: 404 })
      expect(got.body.toString()).not.toContain('PRIVATE KEY')
    }
    const posted = await get(download.url, pathname, 'POST')
    expect(posted.status).toBe(404)
    expect(keyPem).toContain('PRIVATE KEY')
  })

  it('serves it only within the window: from its end, the same link is a 404', async () => {
    const { der } = await authority()
    let clock = 1_000_000
    const download = await serve(der, () => clock)
    clock += WINDOW_MS - 1
    expect((await get(download.url)).status).toBe(200)
    clock += 1
    expect((await get(download.url)).status).toBe(404)
  })

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const { der } = await authority()
    const first = await serve(der)
    const port = Number(new URL(first.url).port)
    await expect(serveAuthority({ der, host: '127.0.0.1', port, windowMs: WINDOW_MS })).rejects.toMatchObject(
      {
        code: 'EADDRINUSE',
      },
    )
  })
})

describe('authorityPort', () => {
  it.each([
    [undefined, { ok: true, value: 7301 }],
    ['', { ok: true, value: 7301 }],
    ['8443', { ok: true, value: 8443 }],
    ['0', { ok: false, error: 'KEYROOM_CA_PORT must be a port number (1-65535), not "0"' }],
    ['70000', { ok: false, error: 'KEYROOM_CA_PORT must be a port number (1-65535), not "70000"' }],
    ['http', { ok: false, error: 'KEYROOM_CA_PORT must be a port number (1-65535), not "http"' }],
    ['7300', { ok: false, error: "KEYROOM_CA_PORT must differ from the relay's port (7300)" }],
  ])('%j with the relay on 7300 gives %j', (value, expected) => {
    expect(authorityPort(value, 7300)).toEqual(expected)
  })
})
