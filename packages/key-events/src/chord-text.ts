import { KEY_CODES, type KeyCode, MODIFIER_CODES, type ModifierCode } from './key-codes.js'
import { fail, type ProtocolError, type Result } from './result.js'

// Names people write, as shown in suggestions; looked up lower-cased. Maps, never object literals: `constructor+KeyA`
// must not find Object.prototype's constructor.
const MODIFIER_ALIASES: ReadonlyArray<readonly [string, ModifierCode]> = [
  ['Shift', 'ShiftLeft'],
  ['Ctrl', 'ControlLeft'],
  ['Control', 'ControlLeft'],
  ['Alt', 'AltLeft'],
  ['Opt', 'AltLeft'],
  ['Option', 'AltLeft'],
  ['Cmd', 'MetaLeft'],
  ['Command', 'MetaLeft'],
  ['Meta', 'MetaLeft'],
  ['Super', 'MetaLeft'],
  ['Win', 'MetaLeft'],
]
const KEY_ALIASES: ReadonlyArray<readonly [string, KeyCode]> = [
  ['Esc', 'Escape'],
  ['Return', 'Enter'],
  ['Del', 'Delete'],
  ['Ins', 'Insert'],
  ['Up', 'ArrowUp'],
  ['Down', 'ArrowDown'],
  ['Left', 'ArrowLeft'],
  ['Right', 'ArrowRight'],
  ['PgUp', 'PageUp'],
  ['PgDn', 'PageDown'],
]

/** Every name of a table with the name shown for it: W3C codes first, so a suggestion prefers them. */
type Names<T> = { lookup: ReadonlyMap<string, T>; shown: readonly string[] }
function names<T extends string>(
  codes: readonly T[],
  aliases: ReadonlyArray<readonly [string, T]>,
): Names<T> {
  const entries: [string, T][] = [
    ...codes.map((c): [string, T] => [c, c]),
    ...aliases.map(([a, c]): [string, T] => [a, c]),
  ]
  return {
    lookup: new Map(entries.map(([name, code]) => [name.toLowerCase(), code])),
    shown: entries.map(([n]) => n),
  }
}
const MODIFIER_NAMES = names(MODIFIER_CODES, MODIFIER_ALIASES)
// A modifier on its own is a key too (`Shift`, `Cmd`); a single letter or digit is that key (`a`, `4`).
const KEY_NAMES = names(KEY_CODES, [
  ...KEY_ALIASES,
  ...MODIFIER_ALIASES,
  ...[...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c): [string, KeyCode] => [c, `Key${c}` as KeyCode]),
  ...[...'0123456789'].map((d): [string, KeyCode] => [d, `Digit${d}` as KeyCode]),
])

/** Edit distance with adjacent transpositions (`Entr` → `Enter` is 1, `Ecsape` → `Escape` is 1). */
function distance(a: string, b: string): number {
  const at = (row: readonly number[], j: number) => row[j] ?? 0
  let twoBack: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(at(previous, j) + 1, at(current, j - 1) + 1, at(previous, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(twoBack, j - 2) + 1)
      current.push(d)
    }
    twoBack = previous
    previous = current
  }
  return at(previous, b.length)
}

/** The closest known name, if one is close enough to be a typo (at most one edit in three characters). */
function closest(name: string, table: Names<string>): string | undefined {
  const typed = name.toLowerCase()
  const limit = Math.max(1, Math.floor(typed.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const shown of table.shown) {
    const d = distance(typed, shown.toLowerCase())
    if (d < bestDistance) {
      best = shown
      bestDistance = d
    }
  }
  return best
}

const unknown = (name: string, what: string, table: Names<string>, hint: string): string => {
  const suggestion = closest(name, table)
  return `"${name}" is not a ${what}${suggestion ? `: did you mean ${suggestion}?` : ` (${hint})`}`
}
const KEY_HINT = 'a letter, a digit, or a name such as Enter, Esc, Space, Left, F5, KeyC'
const MODIFIER_HINT = 'Shift, Ctrl, Alt/Opt, Cmd/Meta/Win, or a W3C code such as ShiftRight'

/**
 * One key as people write it, in any case: a W3C code (`Enter`, `KeyC`, `digit4`), a single letter or digit (`a`,
 * `4`), a common name (`Esc`, `Return`, `Del`, `Ins`, `Up`, `PgDn`) or a modifier (`Shift`, `Cmd`). An unknown name is
 * refused with the closest known one: `"Entr" is not a key code: did you mean Enter?`.
 */
export function parseKeyName(text: string): Result<KeyCode, ProtocolError<'invalid-key'>> {
  const name = text.trim()
  const code = KEY_NAMES.lookup.get(name.toLowerCase())
  return code
    ? { ok: true, value: code }
    : fail('invalid-key', unknown(name, 'key code', KEY_NAMES, KEY_HINT))
}

/** A chord written for humans: `Cmd+Shift+4`, `ctrl+c`, `Meta+Shift+Digit4`, `ShiftLeft+KeyA`. */
export interface ChordText {
  modifiers: ModifierCode[]
  code: KeyCode
}

/**
 * Parses `Mod+Mod+Key`, names in any case: modifiers by W3C code or alias (Shift; Ctrl, Control; Alt, Opt, Option;
 * Cmd, Command, Meta, Super, Win), the key as {@link parseKeyName} reads it.
 */
export function parseChordText(text: string): Result<ChordText, ProtocolError<'invalid-chord'>> {
  const parts = text.split('+').map((p) => p.trim())
  const last = parts.pop()
  if (!last || parts.some((p) => p === ''))
    return fail('invalid-chord', `"${text}" is not a chord like Cmd+Shift+4`)
  const key = parseKeyName(last)
  if (!key.ok) return fail('invalid-chord', key.error.message)
  const modifiers: ModifierCode[] = []
  for (const part of parts) {
    const modifier = MODIFIER_NAMES.lookup.get(part.toLowerCase())
    if (!modifier) return fail('invalid-chord', unknown(part, 'modifier', MODIFIER_NAMES, MODIFIER_HINT))
    if (modifiers.includes(modifier))
      return fail('invalid-chord', `"${part}" repeats a modifier of "${text}"`)
    modifiers.push(modifier)
  }
  return { ok: true, value: { modifiers, code: key.value } }
}
