import { MAX_EVENT_AGE_MS } from '@keyroom/key-events'
import { randomBytes } from '@noble/ciphers/utils.js'
import { describe, expect, it } from 'vitest'
import { createChannel } from './session-channel.js'

/** Two ends of one session; `delay` is how long the relay held the handshake back. */
function pair(delay: number) {
  const [k1, k2] = [randomBytes(32), randomBytes(32)]
  // The responder sent its ephemeral at 0 on its clock; the initiator got it `delay` later (its clock: 5000 + delay).
  const responder = createChannel({
    mySid: 'r',
    peerSid: 'i',
    sendKey: k2,
    receiveKey: k1,
    start: 0,
    peerZero: 0,
  })
  const initiator = createChannel({
    mySid: 'i',
    peerSid: 'r',
    sendKey: k1,
    receiveKey: k2,
    start: 5000,
    peerZero: 5000 + delay,
  })
  return { responder, initiator }
}

describe('pairwise session channel', () => {
  it('opens in order, refuses replays and reordering', () => {
    const { initiator, responder } = pair(10)
    const first = initiator.seal({ type: 'key', code: 'KeyA', phase: 'down' }, 5100).frame
    const second = initiator.seal({ type: 'key', code: 'KeyA', phase: 'up' }, 5200).frame
    expect(responder.open(second, 210)).toMatchObject({ ok: true, value: { seq: 2 } })
    expect(responder.open(first, 220)).toMatchObject({ ok: false, error: { reason: 'replayed' } })
    expect(responder.open(second, 230)).toMatchObject({ ok: false, error: { reason: 'replayed' } })
  })

  it('judges lateness on the receiving clock: a relay that delays everything from the handshake on gets presses refused', () => {
    const { initiator, responder } = pair(10)
    const press = initiator.seal({ type: 'key', code: 'KeyQ', phase: 'tap' }, 6000).frame
    // Sent 990 ms after the initiator's clock zero; arriving 60 s later on the responder's clock.
    // Authentic, so its seq is named for the sender's receipt; late motion is dropped without one.
    expect(responder.open(press, 60_000)).toMatchObject({ ok: false, error: { reason: 'stale', seq: 1 } })
    const move = responder.open(initiator.seal({ type: 'move', dx: 1, dy: 1 }, 6000).frame, 60_000)
    expect(move).toMatchObject({ ok: false, error: { reason: 'stale' } })
    expect(!move.ok && 'seq' in move.error).toBe(false)
    const release = initiator.seal({ type: 'key', code: 'KeyQ', phase: 'up' }, 6001).frame
    expect(responder.open(release, 60_001).ok).toBe(true)
    // Held back by the relay at the handshake itself: the slow round trip counts against the press.
    const slow = pair(MAX_EVENT_AGE_MS + 500)
    const late = slow.initiator.seal(
      { type: 'key', code: 'KeyW', phase: 'tap' },
      5000 + MAX_EVENT_AGE_MS + 500,
    ).frame
    expect(slow.responder.open(late, MAX_EVENT_AGE_MS + 600)).toMatchObject({
      ok: false,
      error: { reason: 'stale' },
    })
  })

  it('judges motion by its delay beyond the fastest message: a slow handshake does not drop every move', () => {
    // The initiator handled the responder's ephemeral 400 ms after it was sent (a busy phone): every message of the
    // session looks 400 ms late on the responder's clock, more than MAX_MOTION_AGE_MS.
    const { initiator, responder } = pair(400)
    const move = (at: number) => initiator.seal({ type: 'move', dx: 1, dy: 0 }, at).frame
    expect(responder.open(move(5500), 505)).toMatchObject({ ok: true })
    expect(responder.open(move(5600), 606)).toMatchObject({ ok: true })
    expect(
      responder.open(initiator.seal({ type: 'key', code: 'KeyA', phase: 'tap' }, 5650).frame, 655).ok,
    ).toBe(true)
    // Held back 300 ms more than the fastest: a backlog, dropped before it jumps the pointer.
    expect(responder.open(move(5700), 1_005)).toMatchObject({
      ok: false,
      error: { reason: 'stale', message: "move arrived 300 ms later than this session's fastest message" },
    })
    // The backlog over: moves are on time again.
    expect(responder.open(move(6200), 1_205)).toMatchObject({ ok: true })
  })

  it('every message seals to the same size, and a frame for another session does not open', () => {
    const { initiator, responder } = pair(10)
    const tap = initiator.seal({ type: 'key', code: 'KeyQ', phase: 'tap' }, 5100).frame
    const text = initiator.seal({ type: 'text', text: '€'.repeat(512) }, 5100).frame
    expect(tap.ciphertext.length).toBe(text.ciphertext.length)
    const other = pair(10)
    expect(other.responder.open(tap, 200)).toMatchObject({ ok: false, error: { reason: 'cannot-open' } })
    expect(responder.open({ ...tap, nonce: 'A'.repeat(32) }, 200)).toMatchObject({
      ok: false,
      error: { reason: 'cannot-open' },
    })
  })
})
