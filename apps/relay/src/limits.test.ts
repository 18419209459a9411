import { describe, expect, it } from 'vitest'
import { createConnectionCounter, createTokenBucket, payloadBytes } from './limits.js'

describe('createTokenBucket', () => {
  it('lets a burst through, then refills at the rate', () => {
    let now = 0
    const bucket = createTokenBucket(10, 3, () => now)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
    now += 100 // one token at 10/s
    expect([bucket.take(), bucket.take()]).toEqual([true, false])
    now += 10_000 // never more than the burst
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
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
    expect(payloadBytes('héllo')).toBe(6)
    expect(payloadBytes(new Uint8Array(10))).toBe(10)
    expect(payloadBytes({ a: 1 })).toBe(7)
    expect(payloadBytes(undefined)).toBe(0)
  })

  it('counts what cannot be serialised as too large', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(payloadBytes(cyclic)).toBe(Number.POSITIVE_INFINITY)
  })
})
