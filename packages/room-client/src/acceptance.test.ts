import {
  type Envelope,
  MAX_CLOCK_SKEW_MS,
  MAX_EVENT_AGE_MS,
  MAX_MOTION_AGE_MS,
  type MessageBody,
  PROTOCOL_VERSION,
} from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import {
  createAcceptor,
  MAX_TRACKED_SENDERS,
  NEW_SENDER_BURST,
  NEW_SENDERS_PER_SECOND,
} from './acceptance.js'
import { createRoom } from './pairing-link.js'
import { createSealer } from './seal.js'

const T0 = 1_700_000_000_000
const down: MessageBody = { type: 'key', code: 'KeyA', phase: 'down' }
const up: MessageBody = { type: 'key', code: 'KeyA', phase: 'up' }

describe('acceptance', () => {
  const sealer = createSealer(createRoom('http://127.0.0.1:7300'))
  const sealed = (seq: number, t: number, body: MessageBody = down, from = 'sender-0001') =>
    sealer.seal({ v: PROTOCOL_VERSION, from, seq, t, body } satisfies Envelope)

  it('accepts messages in order', () => {
    const acceptor = createAcceptor(sealer)
    expect(acceptor.accept(sealed(1, T0), T0 + 20).ok).toBe(true)
    expect(acceptor.accept(sealed(2, T0 + 100), T0 + 130).ok).toBe(true)
  })

  it('refuses a replayed or reordered message', () => {
    const acceptor = createAcceptor(sealer)
    const first = sealed(5, T0)
    expect(acceptor.accept(first, T0).ok).toBe(true)
    expect(acceptor.accept(first, T0 + 1)).toMatchObject({ ok: false, error: { reason: 'replayed' } })
    expect(acceptor.accept(sealed(4, T0), T0 + 2)).toMatchObject({ ok: false, error: { reason: 'replayed' } })
  })

  it('tracks sequences per sender', () => {
    const acceptor = createAcceptor(sealer)
    expect(acceptor.accept(sealed(9, T0, down, 'sender-aaaa'), T0).ok).toBe(true)
    expect(acceptor.accept(sealed(1, T0, down, 'sender-bbbb'), T0).ok).toBe(true)
  })

  it('drops a late press but honours a late release', () => {
    const acceptor = createAcceptor(sealer)
    expect(acceptor.accept(sealed(1, T0), T0 + 50).ok).toBe(true)
    const late = T0 + 1000 + 50 + MAX_EVENT_AGE_MS + 1
    expect(acceptor.accept(sealed(2, T0 + 1000), late)).toMatchObject({
      ok: false,
      error: { reason: 'stale' },
    })
    expect(acceptor.accept(sealed(3, T0 + 1000, up), late).ok).toBe(true)
    expect(acceptor.accept(sealed(4, T0 + 1000, { type: 'release-all' }), late).ok).toBe(true)
  })

  it('drops a move or scroll later than MAX_MOTION_AGE_MS, keeps the keys and buttons behind it', () => {
    const acceptor = createAcceptor(sealer)
    const move: MessageBody = { type: 'move', dx: 5, dy: -3 }
    const scroll: MessageBody = { type: 'scroll', dx: 0, dy: 40 }
    const click: MessageBody = { type: 'button', button: 'left', phase: 'click' }
    expect(acceptor.accept(sealed(1, T0, move), T0 + 20).ok).toBe(true)
    expect(acceptor.accept(sealed(2, T0 + 16, move), T0 + 36 + MAX_MOTION_AGE_MS).ok).toBe(true)
    const late = T0 + 32 + 20 + MAX_MOTION_AGE_MS + 1
    expect(acceptor.accept(sealed(3, T0 + 32, move), late)).toMatchObject({
      ok: false,
      error: { reason: 'stale' },
    })
    expect(acceptor.accept(sealed(4, T0 + 32, scroll), late)).toMatchObject({
      ok: false,
      error: { reason: 'stale' },
    })
    // Just as late, a click or a key is still fresh (MAX_EVENT_AGE_MS), and a lost move left no gap to wait for.
    expect(acceptor.accept(sealed(5, T0 + 32, click), late).ok).toBe(true)
    expect(acceptor.accept(sealed(6, T0 + 32, down), late).ok).toBe(true)
    const veryLate = T0 + 32 + 20 + MAX_EVENT_AGE_MS + 1
    expect(
      acceptor.accept(sealed(7, T0 + 32, { type: 'button', button: 'left', phase: 'down' }), veryLate),
    ).toMatchObject({
      ok: false,
      error: { reason: 'stale' },
    })
    expect(
      acceptor.accept(sealed(8, T0 + 32, { type: 'button', button: 'left', phase: 'up' }), veryLate).ok,
    ).toBe(true)
  })

  it('tolerates a sender clock that is seconds off, but not minutes', () => {
    const acceptor = createAcceptor(sealer)
    const skew = -7_000 // the phone's clock is 7 s behind
    expect(acceptor.accept(sealed(1, T0 + skew), T0 + 30).ok).toBe(true)
    expect(acceptor.accept(sealed(2, T0 + 500 + skew), T0 + 540).ok).toBe(true)
    const far = createAcceptor(sealer)
    expect(far.accept(sealed(1, T0 - MAX_CLOCK_SKEW_MS - 1), T0)).toMatchObject({
      ok: false,
      error: { reason: 'clock-skew' },
    })
  })

  it('names the reason for garbage, wrong keys and wrong versions', () => {
    const acceptor = createAcceptor(sealer)
    const other = createSealer(createRoom('http://127.0.0.1:7300'))
    const forged = other.seal({ v: PROTOCOL_VERSION, from: 'sender-0001', seq: 1, t: T0, body: down })
    expect(acceptor.accept(forged, T0)).toMatchObject({ ok: false, error: { reason: 'cannot-open' } })
    expect(acceptor.accept({ v: 1, nonce: 'x', ciphertext: 'y' }, T0)).toMatchObject({
      ok: false,
      error: { reason: 'invalid-seal' },
    })
    expect(acceptor.accept({ ...forged, v: 2 }, T0)).toMatchObject({
      ok: false,
      error: { reason: 'unsupported-version' },
    })
    const wrongVersion = sealer.seal({
      v: 2,
      from: 'sender-0001',
      seq: 1,
      t: T0,
      body: down,
    } as unknown as Envelope)
    expect(acceptor.accept(wrongVersion, T0)).toMatchObject({
      ok: false,
      error: { reason: 'unsupported-version' },
    })
    const notKeyroom = sealer.seal({ hello: 'world' } as unknown as Envelope)
    expect(acceptor.accept(notKeyroom, T0)).toMatchObject({ ok: false, error: { reason: 'invalid-message' } })
  })

  it('takes new sender ids in a small burst, then a few per second (issue 18)', () => {
    const acceptor = createAcceptor(sealer)
    const id = (i: number) => `ghost-${String(i).padStart(6, '0')}`
    const results = Array.from({ length: 100 }, (_, i) => acceptor.accept(sealed(1, T0, down, id(i)), T0))
    expect(results.filter((r) => r.ok)).toHaveLength(NEW_SENDER_BURST)
    expect(results.at(-1)).toMatchObject({ ok: false, error: { reason: 'rate-limited', seq: 1 } })
    // A known sender is never held back by the flood.
    expect(acceptor.accept(sealed(2, T0 + 10, down, id(0)), T0 + 10).ok).toBe(true)
    // Two seconds later, about NEW_SENDERS_PER_SECOND * 2 more are taken.
    const later = Array.from({ length: 10 }, (_, i) =>
      acceptor.accept(sealed(1, T0 + 2000, down, id(200 + i)), T0 + 2000),
    )
    expect(later.filter((r) => r.ok)).toHaveLength(2 * NEW_SENDERS_PER_SECOND)
  })

  it('keeps a retired sender only as a replay guard, then forgets it; never tracks more than MAX_TRACKED_SENDERS', () => {
    const acceptor = createAcceptor(sealer)
    expect(acceptor.accept(sealed(7, T0, down, 'sender-left'), T0).ok).toBe(true)
    acceptor.retire('sender-left', T0 + 100)
    expect(acceptor.accept(sealed(7, T0, down, 'sender-left'), T0 + 200)).toMatchObject({
      ok: false,
      error: { reason: 'replayed' },
    })
    acceptor.sweep(T0 + 100 + MAX_CLOCK_SKEW_MS + 1)
    expect(acceptor.size()).toBe(0)

    // A member inventing ids for simulated hours, each retired as it goes unanswered: state stays bounded.
    let at = T0
    let peak = 0
    for (let i = 0; i < 2_000; i++) {
      at += 400
      const from = `flood-${String(i).padStart(8, '0')}`
      acceptor.accept(sealed(1, at, down, from), at)
      acceptor.retire(from, at)
      peak = Math.max(peak, acceptor.size())
    }
    expect(peak).toBeLessThanOrEqual(MAX_TRACKED_SENDERS)
    expect(peak).toBeLessThanOrEqual(
      NEW_SENDER_BURST + (NEW_SENDERS_PER_SECOND * MAX_CLOCK_SKEW_MS) / 1000 + 2,
    )
  })

  it('judges a message that waited again when asked', () => {
    const acceptor = createAcceptor(sealer)
    const accepted = acceptor.accept(sealed(1, T0), T0 + 20)
    if (!accepted.ok) throw new Error('not accepted')
    expect(acceptor.recheck(accepted.value, T0 + 500)).toBeUndefined()
    expect(acceptor.recheck(accepted.value, T0 + 20 + MAX_EVENT_AGE_MS + 1)).toMatchObject({
      reason: 'stale',
      seq: 1,
    })
  })
})
