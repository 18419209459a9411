import { describe, expect, it } from 'vitest'
import { createOriginCheck } from './origins.js'

describe('createOriginCheck', () => {
  const check = createOriginCheck({
    allowedOrigins: ['*.example.com', 'https://pad.example.org'],
    allowMissingOrigin: true,
  })

  it.each([
    'http://localhost:5173',
    'http://localhost',
    'https://127.0.0.1:7300',
    'http://[::1]:8080',
    'https://app.example.com',
    'https://a.b.example.com',
    'https://pad.example.org',
  ])('allows %s', (origin) => {
    expect(check(origin)).toEqual({ ok: true })
  })

  it.each([
    ['https://example.com.evil.net', 'is not allowed'],
    ['http://localhost.evil.net', 'is not allowed'],
    ['https://evilexample.com', 'is not allowed'],
    ['https://example.com', 'is not allowed'], // `*.` means a subdomain, not the bare domain
    ['http://pad.example.org', 'is not allowed'], // the pattern pins https
    ['null', 'is not a URL'],
    ['file://localhost', 'is not a plain origin'],
    ['https://localhost/path', 'is not a plain origin'],
    ['not a url', 'is not a URL'],
  ])('refuses %s', (origin, reason) => {
    const verdict = check(origin)
    expect(verdict.ok).toBe(false)
    expect(!verdict.ok && verdict.error.message).toContain(reason)
    expect(!verdict.ok && verdict.error.message).toContain(origin)
  })

  it('allows or refuses a request without Origin as configured', () => {
    expect(check(undefined)).toEqual({ ok: true })
    const strict = createOriginCheck({ allowedOrigins: [], allowMissingOrigin: false })
    expect(strict(undefined)).toEqual({
      ok: false,
      error: { code: 'origin-not-allowed', message: 'requests without Origin are not allowed', path: '' },
    })
  })

  it('pins a port when the pattern names one', () => {
    const pinned = createOriginCheck({
      allowedOrigins: ['https://pad.example.org:8443'],
      allowMissingOrigin: true,
    })
    expect(pinned('https://pad.example.org:8443').ok).toBe(true)
    expect(pinned('https://pad.example.org').ok).toBe(false)
  })

  it('takes the LAN address `pnpm start` allows when HOST=0.0.0.0', () => {
    const lan = createOriginCheck({ allowedOrigins: ['http://192.168.1.20:7300'], allowMissingOrigin: true })
    expect(lan('http://192.168.1.20:7300').ok).toBe(true)
    expect(lan('http://192.168.1.20:8080').ok).toBe(false)
    expect(lan('http://192.168.1.200:7300').ok).toBe(false)
  })
})
