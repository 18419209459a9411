import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createConnectionCounter, payloadBytes, takeToken } from './limits.js'

describe('takeToken', () => {
  it('lets a burst through, then refills at the rate', () => {
    let now = 0
    const bucket = { tokens: 3, last: now }
    const take = () => takeToken(bucket, 10, 3, now)
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false])
    now += 100 // one token at 10/s
    expect([take(), take()]).toEqual([true, false])
    now += 10_000 // never more than the burst
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false])
  })
})

describe('createConnectionCounter', () => {
  it('refuses past the limit per IP and frees on close', () => {
    const counter = createConnectionCounter(2)
    expect([counter.tryOpen('a'), counter.tryOpen('a'), counter.tryOpen('a'), counter.tryOpen('b')]).toEqual([
      true,
      true,
      false,
      true,
    ])
    counter.close('a')
    expect(counter.tryOpen('a')).toBe(true)
    expect(counter.count('a')).toBe(2)
  })
})

describe('payloadBytes', () => {
  it('measures strings, binary and JSON values in bytes', () => {
    expect(payloadBytes('héllo')).toBe(8) // as JSON: quotes included
    expect(payloadBytes(new Uint8Array(10))).toBe(10)
    expect(payloadBytes({ a: 1 })).toBe(7)
    expect(payloadBytes(undefined)).toBe(0)
  })

  it('counts exactly the bytes of the JSON a client sends, without serialising flat objects', () => {
    const json = (value: unknown) => Buffer.byteLength(JSON.stringify(value))
    const sealed = { v: 1, nonce: 'a'.repeat(32), ciphertext: 'b'.repeat(363) }
    expect(payloadBytes(sealed)).toBe(json(sealed))
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: 'binary' }),
          fc.oneof(
            fc.string({ unit: 'binary' }),
            fc.double(),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.constant(undefined),
          ),
        ),
        (flat) => payloadBytes(flat) === json(flat),
      ),
      { numRuns: 2_000 },
    )
    fc.assert(
      fc.property(fc.jsonValue(), (value) => payloadBytes(value) === json(value)),
      { numRuns: 1_000 },
    )
  })

  it('counts what cannot be serialised as too large', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(payloadBytes(cyclic)).toBe(Number.POSITIVE_INFINITY)
  })
})
