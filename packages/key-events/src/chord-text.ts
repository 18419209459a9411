import { isKeyCode, isModifier, type KeyCode, type ModifierCode } from './key-codes.js'
import { fail, type Result } from './result.js'

// A Map, never an object literal: `constructor+KeyA` must not find Object.prototype's constructor.
const MODIFIER_ALIASES: ReadonlyMap<string, ModifierCode> = new Map([
  ['shift', 'ShiftLeft'],
  ['ctrl', 'ControlLeft'],
  ['control', 'ControlLeft'],
  ['alt', 'AltLeft'],
  ['option', 'AltLeft'],
  ['meta', 'MetaLeft'],
  ['cmd', 'MetaLeft'],
  ['command', 'MetaLeft'],
  ['super', 'MetaLeft'],
  ['win', 'MetaLeft'],
])

/** A chord written for humans: `Meta+Shift+Digit4`, `Ctrl+KeyC`, `ShiftLeft+KeyA`. */
export interface ChordText {
  modifiers: ModifierCode[]
  code: KeyCode
}

/** Parses `Mod+Mod+Key`; modifiers by W3C code or a common alias (Cmd, Ctrl, Alt, Option, Shift, Meta). */
export function parseChordText(text: string): Result<ChordText> {
  const parts = text.split('+').map((p) => p.trim())
  const last = parts.pop()
  if (!last || parts.some((p) => p === ''))
    return fail('invalid-chord', `"${text}" is not a chord like Meta+Shift+Digit4`)
  if (!isKeyCode(last))
    return fail('invalid-chord', `"${last}" is not a key code (use W3C names such as KeyC, Digit4, Enter)`)
  const modifiers: ModifierCode[] = []
  for (const part of parts) {
    const modifier = isModifier(part) ? part : MODIFIER_ALIASES.get(part.toLowerCase())
    if (!modifier)
      return fail(
        'invalid-chord',
        `"${part}" is not a modifier (Shift, Ctrl, Alt, Meta/Cmd or their W3C codes)`,
      )
    if (modifiers.includes(modifier)) return fail('invalid-chord', `"${part}" appears twice in "${text}"`)
    modifiers.push(modifier)
  }
  return { ok: true, value: { modifiers, code: last } }
}
