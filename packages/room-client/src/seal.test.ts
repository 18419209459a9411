import { type Envelope, fromBase64url, PAD_BUCKETS, PROTOCOL_VERSION, toBase64url } from '@keyroom/key-events'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRoom } from './pairing-link.js'
import { createSealer, pad, unpad } from './seal.js'

const envelope = (text: string, seq = 1): Envelope => ({
  v: PROTOCOL_VERSION,
  from: 'sender-0001',
  seq,
  t: 1_700_000_000_000,
  body: { type: 'text', text },
})

describe('sealing', () => {
  const room = createRoom('http://127.0.0.1:7300')
  const sealer = createSealer(room)

  it('opens what it sealed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 512, unit: 'grapheme' }), (text) => {
        const opened = sealer.open(sealer.seal(envelope(text)))
        expect(opened).toEqual({ ok: true, value: envelope(text) })
      }),
      { numRuns: 200 },
    )
  })

  it('hides which key was pressed: every key press seals to the same length', () => {
    const lengths = new Set(
      ['KeyA', 'Enter', 'MediaTrackPrevious', 'F12'].map(
        (code) =>
          sealer.seal({ ...envelope('x'), body: { type: 'key', code: code as 'KeyA', phase: 'down' } })
            .ciphertext.length,
      ),
    )
    expect(lengths.size).toBe(1)
  })

  it('refuses any flipped bit', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 7 }), (index, bit) => {
        const sealed = sealer.seal(envelope('hello'))
        const bytes = fromBase64url(sealed.ciphertext) as Uint8Array
        const i = index % bytes.length
        bytes[i] = (bytes[i] as number) ^ (1 << bit)
        expect(sealer.open({ ...sealed, ciphertext: toBase64url(bytes) })).toMatchObject({
          ok: false,
          error: { code: 'cannot-open' },
        })
      }),
      { numRuns: 100 },
    )
  })

  it('does not open under another room key, nor in another room with the same key', () => {
    const sealed = sealer.seal(envelope('secret'))
    expect(createSealer(createRoom('http://127.0.0.1:7300')).open(sealed).ok).toBe(false)
    expect(createSealer({ room: createRoom('http://x').room, key: room.key }).open(sealed).ok).toBe(false)
  })

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(sealer.open(input).ok).toBe(false)
      }),
    )
  })

  it('pads to buckets and refuses oversize messages', () => {
    expect(pad(new Uint8Array(10))).toHaveLength(PAD_BUCKETS[0])
    expect(unpad(pad(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]))
    expect(unpad(new Uint8Array([0xff, 0xff, 0]))).toBeUndefined()
    expect(() => pad(new Uint8Array(5000))).toThrow(RangeError)
  })
})
