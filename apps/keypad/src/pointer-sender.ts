import {
  type KeyAction,
  MAX_POINTER_DELTA,
  MAX_SCROLL_DELTA,
  MOTION_INTERVAL_MS,
  type PointerAction,
  type PointerButton,
} from '@keyroom/key-events'
import { createLeaseRenewer, type Target, type Timers } from '@keyroom/room-client'
import type { GestureOutput } from './trackpad-gestures.js'

export interface PointerSenderOptions {
  /** Sends one action to the receivers `to` names, synchronously (ordering matters). */
  send(action: PointerAction | Extract<KeyAction, { type: 'renew' }>, to: Target): void
  timers: Timers
  now(): number
  /** @default MOTION_INTERVAL_MS */
  intervalMs?: number
}

export interface PointerSender extends GestureOutput {
  /** Buttons held right now (a drag, or a button under a finger). */
  held(): PointerButton[]
  /** Lets go of every held button (the page was hidden) and drops motion not sent yet. */
  releaseHeld(): void
  /** Forgets held buttons without sending (a `release-all` went out instead). */
  forget(): void
  /** Where pointer actions go from now on; held buttons are let go first, where they were pressed. */
  setTarget(target: Target): void
  /** Messages sent per second of motion, for the README's rate figure: moves and scrolls sent, and over how long. */
  stats(): { motionMessages: number; firstAt: number | undefined; lastAt: number | undefined }
}

const clamp = (n: number, max: number) => Math.max(-max, Math.min(max, n))

/**
 * Coalesces motion and sends buttons with leases. Moves and scrolls are summed and sent at most once per
 * MOTION_INTERVAL_MS each (the first at once, so a slow finger has no added delay); fractions of a point are
 * carried to the next message, so nothing is lost to rounding. Motion is never queued for later: what the room
 * does not take now is gone (the receiver would drop it as late anyway). Before a button goes out, pending motion
 * is flushed, so a click lands where the pointer was taken. Held buttons are renewed every
 * LEASE_RENEW_INTERVAL_MS: if the phone goes away, the receiver lets go after HOLD_LEASE_MS.
 */
export function createPointerSender(options: PointerSenderOptions): PointerSender {
  const { timers, now } = options
  let target: Target = 'all'
  const send: (action: Parameters<PointerSenderOptions['send']>[0]) => void = (action) =>
    options.send(action, target)
  const interval = options.intervalMs ?? MOTION_INTERVAL_MS
  const pending = { move: { x: 0, y: 0 }, scroll: { x: 0, y: 0 } }
  let lastSent = Number.NEGATIVE_INFINITY
  let flushTimer: unknown
  // Each button is its own holder: held once, renewed while down.
  const held = createLeaseRenewer<PointerButton>({
    timers,
    renew: (buttons) => send({ type: 'renew', codes: [], buttons }),
  })
  const stats = {
    motionMessages: 0,
    firstAt: undefined as number | undefined,
    lastAt: undefined as number | undefined,
  }

  const flush = () => {
    if (flushTimer !== undefined) timers.clearTimeout(flushTimer)
    flushTimer = undefined
    lastSent = now()
    for (const type of ['move', 'scroll'] as const) {
      const acc = pending[type]
      const max = type === 'move' ? MAX_POINTER_DELTA : MAX_SCROLL_DELTA
      const dx = clamp(Math.trunc(acc.x), max)
      const dy = clamp(Math.trunc(acc.y), max)
      if (dx === 0 && dy === 0) continue
      acc.x -= dx
      acc.y -= dy
      send({ type, dx, dy })
      stats.motionMessages += 1
      stats.firstAt ??= lastSent
      stats.lastAt = lastSent
    }
  }
  const add = (type: 'move' | 'scroll', dx: number, dy: number) => {
    pending[type].x += dx
    pending[type].y += dy
    if (flushTimer !== undefined) return
    const wait = lastSent + interval - now()
    if (wait <= 0) flush()
    else flushTimer = timers.setTimeout(flush, wait)
  }
  const dropMotion = () => {
    if (flushTimer !== undefined) timers.clearTimeout(flushTimer)
    flushTimer = undefined
    pending.move = { x: 0, y: 0 }
    pending.scroll = { x: 0, y: 0 }
  }
  const button = (b: PointerButton, phase: 'down' | 'up' | 'click') => {
    flush()
    send({ type: 'button', button: b, phase })
  }

  return {
    move: (dx, dy) => add('move', dx, dy),
    scroll: (dx, dy) => add('scroll', dx, dy),
    click: (b) => button(b, 'click'),
    buttonDown(b) {
      if (held.isHeld(b)) return
      held.hold(b, b)
      button(b, 'down')
    },
    buttonUp(b) {
      if (held.release(b) === undefined) return
      button(b, 'up')
    },
    held: () => held.held(),
    releaseHeld() {
      dropMotion()
      for (const b of held.clear()) send({ type: 'button', button: b, phase: 'up' })
    },
    forget() {
      dropMotion()
      held.clear()
    },
    setTarget(next) {
      if (next === target) return
      this.releaseHeld()
      target = next
    },
    stats: () => ({ ...stats }),
  }
}
