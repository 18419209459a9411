import { systemTimers } from '@keyroom/room-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ACCEL_THRESHOLD_PX_PER_MS,
  createTrackpadGestures,
  LONG_PRESS_MS,
  MAX_ACCEL,
  pointerGain,
  SCROLL_GAIN,
  TAP_MS,
  type TouchPoint,
} from './trackpad-gestures.js'

const timers = systemTimers

function setup(sensitivity = 1.5) {
  const out: unknown[][] = []
  const gestures = createTrackpadGestures({
    timers,
    sensitivity: () => sensitivity,
    output: {
      move: (dx, dy) => void out.push(['move', dx, dy]),
      scroll: (dx, dy) => void out.push(['scroll', dx, dy]),
      click: (b) => void out.push(['click', b]),
      buttonDown: (b) => void out.push(['down', b]),
      buttonUp: (b) => void out.push(['up', b]),
    },
  })
  return { out, gestures }
}
const p = (id: number, x: number, y: number): TouchPoint => ({ id, x, y })

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('trackpad gestures', () => {
  it('one slow finger moves by sensitivity x travel, after the tap slop', () => {
    const { out, gestures } = setup(2)
    gestures.start([p(1, 100, 100)], 0)
    gestures.move([p(1, 104, 100)], 40) // within the slop: nothing yet
    gestures.move([p(1, 110, 100)], 80)
    gestures.move([p(1, 110, 106)], 120)
    gestures.end([], 160)
    expect(out).toEqual([
      ['move', 20, 0],
      ['move', 0, 12],
    ])
  })

  it('accelerates fast fingers, up to MAX_ACCEL', () => {
    expect(pointerGain(1, ACCEL_THRESHOLD_PX_PER_MS)).toBe(1)
    expect(pointerGain(1, ACCEL_THRESHOLD_PX_PER_MS + 0.5)).toBeGreaterThan(1)
    expect(pointerGain(2, 100)).toBe(2 * MAX_ACCEL)
    const { out, gestures } = setup(1)
    gestures.start([p(1, 0, 0)], 0)
    gestures.move([p(1, 20, 0)], 10)
    gestures.move([p(1, 60, 0)], 26) // 40 px in 16 ms
    expect(out[1]?.[1]).toBeGreaterThan(40)
  })

  it('a tap clicks left, a two-finger tap clicks right', () => {
    const { out, gestures } = setup()
    gestures.start([p(1, 50, 50)], 0)
    gestures.end([], TAP_MS - 50)
    gestures.start([p(2, 50, 50)], 1000)
    gestures.start([p(2, 50, 50), p(3, 90, 50)], 1020)
    gestures.end([p(3, 90, 50)], 1100)
    gestures.end([], 1110)
    expect(out).toEqual([
      ['click', 'left'],
      ['click', 'right'],
    ])
  })

  it('two fingers dragged scroll both axes, content following the fingers', () => {
    const { out, gestures } = setup()
    gestures.start([p(1, 100, 200), p(2, 140, 200)], 0)
    gestures.move([p(1, 100, 190), p(2, 140, 190)], 20)
    gestures.move([p(1, 90, 170), p(2, 130, 170)], 40)
    gestures.end([p(2, 130, 170)], 60)
    gestures.move([p(2, 200, 200)], 70) // one finger left after a scroll: no pointer jump
    gestures.end([], 80)
    expect(out).toEqual([
      ['scroll', 0, 10 * SCROLL_GAIN],
      ['scroll', 10 * SCROLL_GAIN, 20 * SCROLL_GAIN],
    ])
  })

  it('a long press holds left for a drag that stays locked after the finger lifts; the next tap ends it', () => {
    const { out, gestures } = setup(1)
    gestures.start([p(1, 10, 10)], 0)
    vi.advanceTimersByTime(LONG_PRESS_MS)
    expect(gestures.dragging()).toBe(true)
    gestures.move([p(1, 30, 10)], LONG_PRESS_MS + 100)
    gestures.end([], LONG_PRESS_MS + 200)
    gestures.start([p(2, 30, 10)], 2000) // reposition the finger: still dragging
    gestures.move([p(2, 30, 40)], 2100)
    gestures.end([], 2200)
    gestures.start([p(3, 30, 40)], 3000)
    gestures.end([], 3050)
    expect(out).toEqual([
      ['down', 'left'],
      ['move', 20, 0],
      ['move', 0, 30],
      ['up', 'left'],
    ])
    expect(gestures.dragging()).toBe(false)
  })

  it('a finger that moves before the long press is no drag; a cancel lets go of a drag', () => {
    const { out, gestures } = setup(1)
    gestures.start([p(1, 10, 10)], 0)
    gestures.move([p(1, 40, 10)], 100)
    vi.advanceTimersByTime(LONG_PRESS_MS * 2)
    gestures.end([], 800)
    gestures.start([p(2, 10, 10)], 1000)
    vi.advanceTimersByTime(LONG_PRESS_MS)
    gestures.cancel()
    expect(out).toEqual([
      ['move', 30, 0],
      ['down', 'left'],
      ['up', 'left'],
    ])
  })
})
