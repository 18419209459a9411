import { POINTER_BUTTONS, type PointerButton } from '@keyroom/key-events'
import { type PointerEvent, useEffect, useRef, useState } from 'react'
import type { PointerSender } from './pointer-sender.js'
import { POINTER_SPEED_RANGE } from './settings.js'
import { createTrackpadGestures, type GestureTimers, type TouchPoint } from './trackpad-gestures.js'

interface TrackpadProps {
  pointer: PointerSender
  timers: GestureTimers
  speed: number
  onSpeed(speed: number): void
}

const points = (list: TouchList): TouchPoint[] =>
  Array.from(list, (t) => ({ id: t.identifier, x: t.clientX, y: t.clientY }))

const BUTTON_LABELS: Record<PointerButton, string> = { left: 'Left', middle: 'Middle', right: 'Right' }

/**
 * The touch surface and the three mouse buttons. Touch listeners are registered by hand, not passive, so that
 * preventDefault keeps the browser from scrolling, zooming, selecting or opening a context menu (Android cancels
 * a still touch on long press unless its touchstart was prevented).
 */
export function Trackpad({ pointer, timers, speed, onSpeed }: TrackpadProps) {
  const surface = useRef<HTMLDivElement>(null)
  const speedRef = useRef(speed)
  speedRef.current = speed
  const [dragging, setDragging] = useState(false)

  useEffect(() => {
    const el = surface.current
    if (!el) return
    const gestures = createTrackpadGestures({
      output: pointer,
      timers,
      sensitivity: () => speedRef.current,
    })
    const sync = () => setDragging(gestures.dragging())
    const on = (type: string, handler: (e: TouchEvent) => void) => {
      const listener = (e: Event) => {
        e.preventDefault()
        handler(e as TouchEvent)
        sync()
      }
      el.addEventListener(type, listener, { passive: false })
      return () => el.removeEventListener(type, listener)
    }
    const offs = [
      on('touchstart', (e) => gestures.start(points(e.touches), e.timeStamp)),
      on('touchmove', (e) => gestures.move(points(e.touches), e.timeStamp)),
      on('touchend', (e) => gestures.end(points(e.touches), e.timeStamp)),
      on('touchcancel', () => gestures.cancel()),
    ]
    // The long-press timer presses the button without a touch event: show it.
    const poll = window.setInterval(sync, 100)
    const hidden = () => {
      if (document.visibilityState === 'hidden') gestures.cancel()
    }
    document.addEventListener('visibilitychange', hidden)
    return () => {
      for (const off of offs) off()
      window.clearInterval(poll)
      document.removeEventListener('visibilitychange', hidden)
      gestures.cancel()
    }
  }, [pointer, timers])

  const buttonHandlers = (button: PointerButton) => {
    const up = () => pointer.buttonUp(button)
    return {
      onPointerDown: (e: PointerEvent<HTMLButtonElement>) => {
        if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId)
        pointer.buttonDown(button)
      },
      onPointerUp: up,
      onPointerLeave: up,
      onPointerCancel: up,
      onContextMenu: (e: { preventDefault(): void }) => e.preventDefault(),
    }
  }

  return (
    <section className="trackpad" aria-label="Trackpad">
      <div
        ref={surface}
        className="trackpad-surface"
        data-dragging={dragging || undefined}
        role="application"
        aria-label="Trackpad surface: one finger moves, tap clicks, two fingers scroll or right-click, hold to drag"
        onContextMenu={(e) => e.preventDefault()}
      />
      <div className="mouse-buttons">
        {POINTER_BUTTONS.map((b) => (
          <button
            type="button"
            key={b}
            className="key mouse-button"
            aria-label={`${BUTTON_LABELS[b]} button`}
            {...buttonHandlers(b)}
          >
            {BUTTON_LABELS[b]}
          </button>
        ))}
      </div>
      <label className="pointer-speed">
        Pointer speed
        <input
          type="range"
          min={POINTER_SPEED_RANGE.min}
          max={POINTER_SPEED_RANGE.max}
          step={POINTER_SPEED_RANGE.step}
          value={speed}
          onChange={(e) => onSpeed(Number(e.currentTarget.value))}
        />
      </label>
    </section>
  )
}
