import type { PointerButton } from '@keyroom/key-events'

/** What the gestures produce; the pointer sender coalesces motion and sends buttons in order. */
export interface GestureOutput {
  /** Pointer motion in screen points (fractions allowed: the sender carries them). */
  move(dx: number, dy: number): void
  /** Scroll in content pixels, positive dy shows what is below. */
  scroll(dx: number, dy: number): void
  click(button: PointerButton): void
  buttonDown(button: PointerButton): void
  buttonUp(button: PointerButton): void
}

export interface GestureTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface TouchPoint {
  id: number
  x: number
  y: number
}

export interface GestureOptions {
  output: GestureOutput
  timers: GestureTimers
  /** Pointer speed: screen points per CSS pixel of finger travel at slow speeds. */
  sensitivity(): number
}

/** A touch that lifts within this time and TAP_SLOP_PX of where it started is a tap. */
export const TAP_MS = 250
export const TAP_SLOP_PX = 8
/** A finger held still this long presses the left button: a drag, locked until the next tap. */
export const LONG_PRESS_MS = 500
/** Two fingers (two-finger tap, scroll) move content this many pixels per pixel of finger travel. */
export const SCROLL_GAIN = 1.5
/** Below this finger speed the pointer moves `sensitivity` points per pixel; above it, faster (acceleration). */
export const ACCEL_THRESHOLD_PX_PER_MS = 0.3
export const ACCEL_PER_PX_PER_MS = 1.2
export const MAX_ACCEL = 3
/** Speeds are measured over at least this long, so two touch events that arrive together are no flick. */
const MIN_SPEED_WINDOW_MS = 16

/** Pointer gain for a finger moving at `speed` CSS px per ms: linear when slow, up to MAX_ACCEL times when fast. */
export function pointerGain(sensitivity: number, speed: number): number {
  const extra = Math.max(0, speed - ACCEL_THRESHOLD_PX_PER_MS) * ACCEL_PER_PX_PER_MS
  return sensitivity * Math.min(MAX_ACCEL, 1 + extra)
}

export interface TrackpadGestures {
  start(touches: readonly TouchPoint[], t: number): void
  move(touches: readonly TouchPoint[], t: number): void
  /** `remaining`: the touches still on the surface after this one lifted. */
  end(remaining: readonly TouchPoint[], t: number): void
  /** The browser took the touches away (or the page was hidden): nothing may stay pressed. */
  cancel(): void
  /** Whether a long-press drag holds the left button. */
  dragging(): boolean
}

type State =
  | { kind: 'idle' }
  | {
      kind: 'one'
      id: number
      startX: number
      startY: number
      startT: number
      x: number
      y: number
      t: number
      moved: boolean
    }
  | { kind: 'two'; startT: number; centre: { x: number; y: number }; travel: number; maxTouches: number }
  /** Touches went on after a gesture ended early (three fingers…): ignored until all lift. */
  | { kind: 'spent' }

const centreOf = (touches: readonly TouchPoint[]) => ({
  x: touches.reduce((s, p) => s + p.x, 0) / touches.length,
  y: touches.reduce((s, p) => s + p.y, 0) / touches.length,
})

/**
 * Touches on the trackpad surface to pointer actions, like a laptop trackpad: one finger moves (accelerated),
 * a tap clicks, a two-finger tap right-clicks, two fingers scroll both axes (content follows the fingers), and a
 * finger held still for LONG_PRESS_MS presses the left button for a drag that stays locked after the finger
 * lifts, until the next tap releases it.
 */
export function createTrackpadGestures(options: GestureOptions): TrackpadGestures {
  const { output, timers } = options
  let state: State = { kind: 'idle' }
  let dragLocked = false
  let longPress: unknown

  const stopLongPress = () => {
    if (longPress === undefined) return
    timers.clearTimeout(longPress)
    longPress = undefined
  }
  const startOne = (p: TouchPoint, t: number) => {
    state = { kind: 'one', id: p.id, startX: p.x, startY: p.y, startT: t, x: p.x, y: p.y, t, moved: false }
    stopLongPress()
    if (dragLocked) return
    longPress = timers.setTimeout(() => {
      longPress = undefined
      if (state.kind !== 'one' || state.moved) return
      dragLocked = true
      output.buttonDown('left')
    }, LONG_PRESS_MS)
  }
  const startTwo = (touches: readonly TouchPoint[], t: number) => {
    stopLongPress()
    const startT = state.kind === 'one' ? state.startT : t
    state = { kind: 'two', startT, centre: centreOf(touches), travel: 0, maxTouches: touches.length }
  }

  return {
    start(touches, t) {
      const first = touches[0]
      if (!first) return
      if (state.kind === 'idle' && touches.length === 1) return startOne(first, t)
      // A second finger soon after the first (before it travelled): a two-finger gesture.
      if ((state.kind === 'idle' || (state.kind === 'one' && !state.moved)) && touches.length >= 2)
        return startTwo(touches, t)
      if (state.kind === 'two') {
        state.maxTouches = Math.max(state.maxTouches, touches.length)
        state.centre = centreOf(touches)
        return
      }
      // A second finger while one moves the pointer: ignore it, keep moving with the first.
    },
    move(touches, t) {
      if (state.kind === 'one') {
        const s = state
        const p = touches.find((q) => q.id === s.id)
        if (!p) return
        const dx = p.x - s.x
        const dy = p.y - s.y
        if (!s.moved && Math.hypot(p.x - s.startX, p.y - s.startY) <= TAP_SLOP_PX) return
        if (!s.moved) stopLongPress()
        s.moved = true
        const dt = Math.max(MIN_SPEED_WINDOW_MS, t - s.t)
        const gain = pointerGain(options.sensitivity(), Math.hypot(dx, dy) / dt)
        s.x = p.x
        s.y = p.y
        s.t = t
        if (dx !== 0 || dy !== 0) output.move(dx * gain, dy * gain)
        return
      }
      if (state.kind === 'two' && touches.length >= 2) {
        const c = centreOf(touches)
        const dx = c.x - state.centre.x
        const dy = c.y - state.centre.y
        state.centre = c
        state.travel += Math.hypot(dx, dy)
        // Content follows the fingers: fingers moving up show what is below.
        if (state.travel > TAP_SLOP_PX && (dx !== 0 || dy !== 0))
          output.scroll((0 - dx) * SCROLL_GAIN, (0 - dy) * SCROLL_GAIN)
      }
    },
    end(remaining, t) {
      if (state.kind === 'one') {
        const s = state
        if (remaining.some((q) => q.id === s.id)) return
        stopLongPress()
        const tap = !s.moved && t - s.startT <= TAP_MS
        state = { kind: 'idle' }
        if (!tap) return
        if (dragLocked) {
          dragLocked = false
          output.buttonUp('left')
        } else {
          output.click('left')
        }
        return
      }
      if (state.kind === 'two') {
        const tap = state.travel <= TAP_SLOP_PX && t - state.startT <= TAP_MS && state.maxTouches === 2
        // The first finger to lift ends the gesture: no right click for the second, no pointer jump.
        state = remaining.length > 0 ? { kind: 'spent' } : { kind: 'idle' }
        if (tap) {
          if (dragLocked) {
            dragLocked = false
            output.buttonUp('left')
          }
          output.click('right')
        }
        return
      }
      if (remaining.length === 0) state = { kind: 'idle' }
    },
    cancel() {
      stopLongPress()
      state = { kind: 'idle' }
      if (dragLocked) {
        dragLocked = false
        output.buttonUp('left')
      }
    },
    dragging: () => dragLocked,
  }
}
