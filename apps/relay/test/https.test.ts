import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { get } from 'node:https'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { NODE_FROM_SOURCE, spawnProcess, tempDir } from '@keyroom/test-kit'
import { io } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { configFromEnv } from '../src/config.js'
import { readTlsFiles } from '../src/tls-files.js'
import { relay } from './helpers.js'
import { selfSignedCertificate } from './tls-certs.js'

/** GET over https trusting only `ca`: status and body. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca, timeout: 5_000 }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('timeout', () => request.destroy(new Error('timed out')))
    request.on('error', reject)
  })
}

describe('readTlsFiles', () => {
  it('reads a certificate and its key', () => {
    const { certPath, keyPath, cert, key } = selfSignedCertificate()
    expect(readTlsFiles(certPath, keyPath)).toEqual({ ok: true, value: { cert, key } })
  })

  it('names a missing file', () => {
    const { certPath, keyPath, dir } = selfSignedCertificate()
    expect(readTlsFiles(join(dir, 'nope.pem'), keyPath)).toEqual({
      ok: false,
      error: `TLS_CERT ${join(dir, 'nope.pem')} does not exist`,
    })
    expect(readTlsFiles(certPath, join(dir, 'nope.pem'))).toEqual({
      ok: false,
      error: `TLS_KEY ${join(dir, 'nope.pem')} does not exist`,
    })
  })

  it('names a file that cannot be read', () => {
    // As root (CI) a mode-000 file is still readable: a directory is a file no one can read as PEM.
    const { keyPath, dir } = selfSignedCertificate()
    expect(readTlsFiles(dir, keyPath)).toEqual({ ok: false, error: `TLS_CERT ${dir} is a directory` })
  })

  it('names a file that is not a certificate, or not a key', () => {
    const { certPath, keyPath, dir } = selfSignedCertificate()
    const junk = join(dir, 'junk.pem')
    writeFileSync(junk, 'not pem\n')
    expect(readTlsFiles(junk, keyPath)).toEqual({
      ok: false,
      error: `TLS_CERT ${junk} is not a PEM certificate ("-----BEGIN CERTIFICATE-----")`,
    })
    expect(readTlsFiles(certPath, certPath)).toEqual({
      ok: false,
      error: `TLS_KEY ${certPath} is not an unencrypted PEM private key ("-----BEGIN PRIVATE KEY-----")`,
    })
  })

  it('names a key that belongs to another certificate', () => {
    const a = selfSignedCertificate('a')
    const b = selfSignedCertificate('b')
    expect(readTlsFiles(a.certPath, b.keyPath)).toEqual({
      ok: false,
      error: `TLS_KEY ${b.keyPath} is not the key of the certificate in TLS_CERT ${a.certPath}`,
    })
  })

  it('takes both files or neither', () => {
    expect(configFromEnv({ TLS_CERT: '/x/cert.pem' })).toEqual({
      ok: false,
      errors: ['TLS_CERT and TLS_KEY go together: set both (https) or neither (http)'],
    })
    expect(configFromEnv({ TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' })).toMatchObject({
      ok: true,
      value: { tlsCertPath: '/c.pem', tlsKeyPath: '/k.pem' },
    })
  })
})

describe('the relay over https', () => {
  it('serves /healthz, the keypad and Socket.IO (wss) on one https origin', async () => {
    const { cert, key } = selfSignedCertificate()
    const keypad = tempDir('keypad-')
    writeFileSync(join(keypad, 'index.html'), '<!doctype html><title>keypad</title>')
    mkdirSync(join(keypad, 'assets'))
    const { url } = await relay({ tls: { cert, key }, staticDir: keypad })
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)

    const health = await httpsGet(`${url}/healthz`, cert)
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' })
    expect((await httpsGet(`${url}/`, cert)).body).toContain('<title>keypad</title>')

    const connect = (transports: ('websocket' | 'polling')[]) => {
      const socket = io(url, { transports, ca: cert.toString(), reconnection: false, forceNew: true })
      onTestFinished(() => void socket.disconnect())
      return new Promise<string>((resolve, reject) => {
        socket.once('connect', () => resolve(socket.io.engine.transport.name))
        socket.once('connect_error', reject)
      })
    }
    expect(await connect(['websocket'])).toBe('websocket')
    expect(await connect(['polling'])).toBe('polling')
  })

  it('is refused by a client that does not trust its certificate', async () => {
    const { cert, key } = selfSignedCertificate('a')
    const other = selfSignedCertificate('b')
    const { url } = await relay({ tls: { cert, key } })
    await expect(httpsGet(`${url}/healthz`, other.cert)).rejects.toThrow(/self.signed|verify|certificate/i)
  })
})

describe('keyroom-relay with TLS_CERT and TLS_KEY', () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))

  it('prints an https URL and answers /healthz over https', async () => {
    const { certPath, keyPath, cert } = selfSignedCertificate()
    const started = spawnProcess(process.execPath, [...NODE_FROM_SOURCE, main], {
      env: { PORT: '0', TLS_CERT: certPath, TLS_KEY: keyPath, LOG_LEVEL: 'warn' },
    })
    const url = await vi.waitFor(
      () => {
        const match = /listening on (https:\/\/127\.0\.0\.1:\d+) /.exec(started.stdout())
        if (!match?.[1]) throw new Error(`no https URL printed yet: ${started.stdout()}${started.stderr()}`)
        return match[1]
      },
      { timeout: 15_000 },
    )
    expect(JSON.parse((await httpsGet(`${url}/healthz`, cert)).body)).toMatchObject({ status: 'ok' })
    started.child.kill('SIGTERM')
    expect(await started.exited).toBe(0)
  })

  it('stops with one line naming a key that does not fit, exit code 2', async () => {
    const a = selfSignedCertificate('a')
    const b = selfSignedCertificate('b')
    const result = await promisify(execFile)(process.execPath, [...NODE_FROM_SOURCE, main], {
      env: { ...process.env, PORT: '0', TLS_CERT: a.certPath, TLS_KEY: b.keyPath },
      timeout: 15_000,
    }).catch((error: { code: number; stderr: string }) => error)
    expect('code' in result && result.code).toBe(2)
    expect(result.stderr).toContain(
      `TLS_KEY ${b.keyPath} is not the key of the certificate in TLS_CERT ${a.certPath}`,
    )
  })
})
