import {
  type Envelope,
  MAX_CLOCK_SKEW_MS,
  MAX_EVENT_AGE_MS,
  MAX_MOTION_AGE_MS,
  type MessageBody,
  PROTOCOL_VERSION,
} from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import { createAcceptor } from './acceptance.js'
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
})
