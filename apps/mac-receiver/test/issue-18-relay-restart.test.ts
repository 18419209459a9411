// Chaos: the relay (its own process) killed with SIGKILL mid-typing in 20 rooms and restarted on the same port.
import { MAX_EVENT_AGE_MS } from '@keyroom/key-events'
import { freePort, startRelayProcess } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import {
  judge,
  paired,
  percentile,
  shiftUpAfter,
  startTyping,
  typedSince,
  typingRoom,
} from './typing-rooms.js'

const ROOMS = 20
/** A held key must be up this soon after the relay dies: the receiver sees its socket drop at once. */
const RELEASE_BOUND_MS = 500

describe('the relay killed mid-typing in 20 rooms and restarted (issue 18)', () => {
  it('types nothing twice or late, releases every held key, brings every client back verified, and tells each sender what was lost', async () => {
    const port = await freePort()
    const relayOn = () => startRelayProcess({ PORT: String(port), LOG_LEVEL: 'warn' })
    let relay = await relayOn()
    const rooms = await Promise.all(
      Array.from({ length: ROOMS }, (_, i) => typingRoom(`room ${i}`, { mac: relay.url, phone: relay.url })),
    )
    const stop = await startTyping(rooms)
    await vi.waitFor(() =>
      expect(rooms.every((r) => r.keyboard.down.has('ShiftLeft') && typedSince(r, 0) > 3)).toBe(true),
    )

    relay.child.kill('SIGKILL')
    const killedAt = Date.now()
    await relay.exited
    // Every receiver lets go of Shift on its own: the relay is gone, and with it the keypad.
    await vi.waitFor(() => expect(rooms.every((r) => !r.keyboard.down.has('ShiftLeft'))).toBe(true), {
      timeout: 3_000,
    })
    const releasedAfter = rooms.map((r) => shiftUpAfter(r, killedAt) - killedAt)

    relay = await relayOn()
    const upAfter = Date.now() - killedAt
    const backAfter = await Promise.all(
      rooms.map(async (r) => {
        await vi.waitFor(() => expect(paired(r)).toBe(true), { timeout: 30_000, interval: 20 })
        return Date.now() - killedAt
      }),
    )
    const lastBack = Date.now()
    // Typing goes on in every room: ten more texts each after the last client is back.
    await vi.waitFor(() => expect(rooms.every((r) => typedSince(r, lastBack) >= 10)).toBe(true), {
      timeout: 10_000,
    })
    await stop()
    const { sent, typed, toldLost, toldButTyped, worstLate } = await judge(rooms)
    console.log(
      `relay SIGKILL in ${ROOMS} rooms, restarted after ${upAfter} ms: Shift released ${Math.min(...releasedAfter)}-${Math.max(...releasedAfter)} ms after the kill; every client back and verified, re-join after the kill p50 ${percentile(backAfter, 50)} ms, p95 ${percentile(backAfter, 95)} ms, max ${Math.max(...backAfter)} ms; ${sent} texts sent, ${typed} typed once each, at most ${worstLate} ms late; ${toldLost} not typed, every one reported to its sender; ${toldButTyped} typed but reported unconfirmed`,
    )
    expect(Math.max(...releasedAfter)).toBeLessThan(RELEASE_BOUND_MS)
    expect(worstLate).toBeLessThan(MAX_EVENT_AGE_MS)
    expect(toldLost).toBeGreaterThan(0) // the outage did lose texts, and each one was reported
  }, 90_000)
})
