import type { KeyAction } from '@keyroom/key-events'
import { chunkText } from './text-chunks.js'

/** Splits into what one Backspace deletes on the receiver: a grapheme cluster (an emoji with its modifiers is one). */
export function graphemes(text: string): string[] {
  if (typeof Intl.Segmenter === 'function')
    return Array.from(
      new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text),
      (s) => s.segment,
    )
  return Array.from(text)
}

const BACKSPACE: KeyAction = { type: 'key', code: 'Backspace', phase: 'tap' }

/**
 * What the receiver must do to turn `before` into `after`, the live field's text before and after one input event:
 * a Backspace for each grapheme after the common prefix, then the new text. Handles typing, autocorrect,
 * dictation, emoji and composition (a composing word that changes is retyped from where it differs) alike.
 */
export function typingDiff(before: string, after: string): KeyAction[] {
  const old = graphemes(before)
  const next = graphemes(after)
  let common = 0
  while (common < old.length && common < next.length && old[common] === next[common]) common++
  const actions: KeyAction[] = old.slice(common).map(() => BACKSPACE)
  for (const text of chunkText(next.slice(common).join(''))) actions.push({ type: 'text', text })
  return actions
}
