import { LEASE_RENEW_INTERVAL_MS, MOTION_INTERVAL_MS } from '@keyroom/key-events'
import { systemTimers, type Target } from '@keyroom/room-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPointerSender } from './pointer-sender.js'

const timers = systemTimers

function setup() {
  const sent: unknown[] = []
  const targets: Target[] = []
  const sender = createPointerSender({
    send: (a, to) => {
      sent.push(a)
      targets.push(to)
    },
    timers,
    now: () => Date.now(),
  })
  return { sent, targets, sender }
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }))
afterEach(() => vi.useRealTimers())

describe('pointer sender', () => {
  it('sends the first move at once, then at most one per interval with the sum, carrying fractions', () => {
    const { sent, sender } = setup()
    sender.move(1.6, 0)
    expect(sent).toEqual([{ type: 'move', dx: 1, dy: 0 }])
    for (let i = 0; i < 10; i++) sender.move(1.1, -0.5)
    expect(sent).toHaveLength(1)
    vi.advanceTimersByTime(MOTION_INTERVAL_MS)
    // 0.6 carried + 11.0 = 11.6 -> 11; -5 -> -5
    expect(sent).toEqual([
      { type: 'move', dx: 1, dy: 0 },
      { type: 'move', dx: 11, dy: -5 },
    ])
  })

  it('keeps a steady stream at or below one move per interval', () => {
    const { sent, sender } = setup()
    for (let i = 0; i < 250; i++) {
      sender.move(3, 1)
      vi.advanceTimersByTime(4) // a touch event every 4 ms for a second
    }
    vi.advanceTimersByTime(MOTION_INTERVAL_MS)
    const moves = sent.filter((a) => (a as { type: string }).type === 'move')
    expect(moves.length).toBeLessThanOrEqual(Math.ceil(1000 / MOTION_INTERVAL_MS) + 1)
    expect(moves.reduce((s: number, a) => s + (a as { dx: number }).dx, 0)).toBe(750)
    expect(sender.stats().motionMessages).toBe(moves.length)
  })

  it('flushes pending motion before a button, so the click lands where the pointer went', () => {
    const { sent, sender } = setup()
    sender.move(5, 5)
    sender.move(7, 0)
    sender.scroll(0, 30)
    sender.click('left')
    expect(sent).toEqual([
      { type: 'move', dx: 5, dy: 5 },
      { type: 'move', dx: 7, dy: 0 },
      { type: 'scroll', dx: 0, dy: 30 },
      { type: 'button', button: 'left', phase: 'click' },
    ])
  })

  it('renews held buttons until they are let go, and lets go of all when the page hides', () => {
    const { sent, sender } = setup()
    sender.buttonDown('left')
    sender.buttonDown('right')
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 2)
    sender.buttonUp('right')
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    sender.releaseHeld()
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 3)
    expect(sent).toEqual([
      { type: 'button', button: 'left', phase: 'down' },
      { type: 'button', button: 'right', phase: 'down' },
      { type: 'renew', codes: [], buttons: ['left', 'right'] },
      { type: 'renew', codes: [], buttons: ['left', 'right'] },
      { type: 'button', button: 'right', phase: 'up' },
      { type: 'renew', codes: [], buttons: ['left'] },
      { type: 'button', button: 'left', phase: 'up' },
    ])
    expect(sender.held()).toEqual([])
  })

  it('drops motion not yet sent when the page hides, and never sends it later', () => {
    const { sent, sender } = setup()
    sender.move(1, 1)
    sender.move(50, 50)
    sender.releaseHeld()
    vi.advanceTimersByTime(1000)
    expect(sent).toEqual([{ type: 'move', dx: 1, dy: 1 }])
  })

  it('sends to its target; a new target lets a held button go where it was pressed first', () => {
    const { sent, targets, sender } = setup()
    sender.setTarget('device:7XQ4-M2KD-9FHR-0WCE')
    sender.buttonDown('left')
    sender.setTarget('kind:computer')
    sender.buttonUp('left')
    sender.click('right')
    expect(sent).toEqual([
      { type: 'button', button: 'left', phase: 'down' },
      { type: 'button', button: 'left', phase: 'up' },
      { type: 'button', button: 'right', phase: 'click' },
    ])
    expect(targets).toEqual(['device:7XQ4-M2KD-9FHR-0WCE', 'device:7XQ4-M2KD-9FHR-0WCE', 'kind:computer'])
  })
})
