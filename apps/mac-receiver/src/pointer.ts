import type { PointerButton } from '@keyroom/key-events'

/**
 * What the receiver needs from a mouse, beside the {@link Keyboard}: relative moves, buttons and scrolling.
 * Implementations: nut.js/libnut (real pointer), a JSON-lines log, and a recording pointer for tests.
 */
export interface Pointer {
  /** Moves the pointer by (dx, dy) screen points from where it is now (a drag while a button is held). */
  move(dx: number, dy: number): Promise<void>
  /** Presses and holds a button. */
  press(button: PointerButton): Promise<void>
  /** Releases a button; releasing a button that is not down is harmless. */
  release(button: PointerButton): Promise<void>
  /** Presses and releases a button; clicks close together count as a double (triple) click. */
  click(button: PointerButton): Promise<void>
  /** Scrolls by (dx, dy) pixels of content: positive dy shows what is below, positive dx what is to the right. */
  scroll(dx: number, dy: number): Promise<void>
}

/** One line of the log driver's output; the recording pointer in the tests keeps the same shape. */
export type PointerLogLine =
  | { action: 'move'; dx: number; dy: number }
  | { action: 'scroll'; dx: number; dy: number }
  | { action: 'press' | 'release' | 'click'; button: PointerButton }
