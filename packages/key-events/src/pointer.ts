import { z } from 'zod/mini'
import { MAX_POINTER_DELTA, MAX_SCROLL_DELTA } from './protocol.js'
import { parseWith, type Result } from './result.js'

export const POINTER_BUTTONS = ['left', 'middle', 'right'] as const
export const PointerButton = z.enum(POINTER_BUTTONS)
export type PointerButton = z.infer<typeof PointerButton>

/** `down` holds (with a lease, like a held key), `up` releases, `click` presses and releases. */
export const ButtonPhase = z.enum(['down', 'up', 'click'])
export type ButtonPhase = z.infer<typeof ButtonPhase>

const delta = (max: number) => z.int().check(z.minimum(-max), z.maximum(max))
const notStill = (d: { dx: number; dy: number }) => d.dx !== 0 || d.dy !== 0

/** Move the pointer by (dx, dy) screen points from where it is. Droppable: a late move is dropped. */
export const MoveAction = z
  .object({ type: z.literal('move'), dx: delta(MAX_POINTER_DELTA), dy: delta(MAX_POINTER_DELTA) })
  .check(z.refine(notStill, 'a move must move: dx and dy are both 0'))
/**
 * Scroll by (dx, dy) pixels of content: positive `dy` shows what is below (as a wheel turned towards the user),
 * positive `dx` what is to the right. Droppable like a move.
 */
export const ScrollAction = z
  .object({ type: z.literal('scroll'), dx: delta(MAX_SCROLL_DELTA), dy: delta(MAX_SCROLL_DELTA) })
  .check(z.refine(notStill, 'a scroll must scroll: dx and dy are both 0'))
/** Press, hold or release a mouse button. Ordered and reliable, like a key. */
export const ButtonAction = z.object({ type: z.literal('button'), button: PointerButton, phase: ButtonPhase })

export const pointerActionOptions = [MoveAction, ScrollAction, ButtonAction] as const
export const PointerAction = z.discriminatedUnion('type', [...pointerActionOptions])
export type PointerAction = z.infer<typeof PointerAction>
export type MoveAction = z.infer<typeof MoveAction>
export type ScrollAction = z.infer<typeof ScrollAction>
export type ButtonAction = z.infer<typeof ButtonAction>

export const parsePointerAction = (input: unknown): Result<PointerAction> =>
  parseWith(PointerAction, input, 'invalid-action')
