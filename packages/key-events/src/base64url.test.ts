import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromBase64url, toBase64url } from './base64url.js'

describe('base64url', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(fromBase64url(toBase64url(bytes))).toEqual(bytes)
      }),
    )
  })

  it('matches the RFC 4648 alphabet', () => {
    expect(toBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
    expect(toBase64url(new TextEncoder().encode('foob'))).toBe('Zm9vYg')
  })

  it('refuses foreign characters, impossible lengths and non-canonical tails', () => {
    expect(fromBase64url('ab+c')).toBeUndefined()
    expect(fromBase64url('abcde')).toBeUndefined()
    expect(fromBase64url('Zm9vYh')).toBeUndefined()
  })
})
