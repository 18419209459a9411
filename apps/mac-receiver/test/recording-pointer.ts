import type { PointerButton } from '@keyroom/key-events'
import type { Pointer, PointerLogLine } from '../src/pointer.js'

export interface RecordingPointer extends Pointer {
  readonly actions: PointerLogLine[]
  readonly down: ReadonlySet<PointerButton>
  /** Where relative moves have taken the pointer. */
  readonly at: { x: number; y: number }
  /** Makes the next move take this long (a slow injection), to let messages pile up behind it. */
  slowNextMove(wait: Promise<void>): void
  /** Whether a move is in progress (waiting on a slow move). */
  moving(): boolean
}

/** A pointer for tests: records what it was asked to do, in the log driver's shape. */
export function createRecordingPointer(): RecordingPointer {
  const actions: PointerLogLine[] = []
  const down = new Set<PointerButton>()
  const at = { x: 0, y: 0 }
  let slow: Promise<void> | undefined
  let moving = false
  return {
    actions,
    down,
    at,
    slowNextMove(wait) {
      slow = wait
    },
    moving: () => moving,
    async move(dx, dy) {
      const wait = slow
      slow = undefined
      moving = true
      if (wait) await wait
      moving = false
      at.x += dx
      at.y += dy
      actions.push({ action: 'move', dx, dy })
    },
    async press(button) {
      down.add(button)
      actions.push({ action: 'press', button })
    },
    async release(button) {
      down.delete(button)
      actions.push({ action: 'release', button })
    },
    async click(button) {
      actions.push({ action: 'click', button })
    },
    async scroll(dx, dy) {
      actions.push({ action: 'scroll', dx, dy })
    },
  }
}
