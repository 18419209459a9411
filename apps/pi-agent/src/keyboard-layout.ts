import { readFileSync } from 'node:fs'
import {
  fail,
  type ProtocolError,
  parseChordText,
  type Result,
  US_SHIFTED,
  US_UNSHIFTED,
} from '@keyroom/key-events'
import { z } from 'zod'
import type { Stroke } from './hid-keyboard.js'

/**
 * What the target computer's keyboard layout makes of our key positions: each character it can produce, and the
 * strokes (key + modifiers) that produce it. HID sends positions; the host's layout turns them into characters, so
 * typing "z" into a German host needs KeyY.
 */
export interface KeyboardLayout {
  name: string
  /** The strokes that type `char` (one code point, NFC), or undefined when this layout cannot produce it. */
  strokes(char: string): readonly Stroke[] | undefined
}

/** US English (ANSI): the layout every host assumes when it does not know better. */
const US_TABLE: Record<string, string | string[]> = Object.fromEntries([
  ...[...'abcdefghijklmnopqrstuvwxyz'].flatMap((l) => [
    [l, `Key${l.toUpperCase()}`],
    [l.toUpperCase(), `ShiftLeft+Key${l.toUpperCase()}`],
  ]),
  ...[...'0123456789'].map((d) => [d, `Digit${d}`]),
  ...[...US_UNSHIFTED].map(([char, code]) => [char, code]),
  ...[...US_SHIFTED].map(([char, code]) => [char, `ShiftLeft+${code}`]),
])

/** A layout file: `{ "name": "de", "chars": { "z": "KeyY", "Z": "Shift+KeyY", "@": "AltRight+KeyQ", "^": ["Backquote", "Space"] } }`. */
const LayoutFile = z.strictObject({
  name: z.string().min(1).max(32),
  description: z.string().max(200).optional(),
  chars: z.record(
    z.string(),
    z.union([z.string(), z.array(z.string()).min(1).max(4)], {
      error:
        'must be a key or chord ("Shift+KeyY") or a list of them for a dead key (["Backquote", "Space"])',
    }),
  ),
})

export type LayoutProblem = ProtocolError<'invalid-layout'>
const refuse = (message: string) => fail('invalid-layout', message)

function buildLayout(
  name: string,
  table: Record<string, string | string[]>,
  source: string,
): Result<KeyboardLayout, LayoutProblem> {
  const map = new Map<string, Stroke[]>()
  for (const [char, value] of Object.entries(table)) {
    if ([...char.normalize('NFC')].length !== 1) {
      return refuse(`${source}: chars.${JSON.stringify(char)}: each key of "chars" must be one character`)
    }
    const strokes: Stroke[] = []
    for (const text of Array.isArray(value) ? value : [value]) {
      const parsed = parseChordText(text)
      if (!parsed.ok) {
        return refuse(`${source}: chars.${JSON.stringify(char)}: ${parsed.error.message}`)
      }
      strokes.push({ code: parsed.value.code, modifiers: parsed.value.modifiers })
    }
    map.set(char.normalize('NFC'), strokes)
  }
  return { ok: true, value: { name, strokes: (char) => map.get(char) } }
}

const us = buildLayout('us', US_TABLE, 'us')
if (!us.ok) throw new Error(us.error.message)
export const US_LAYOUT: KeyboardLayout = us.value

/** Parses a layout file's text; errors name the file and the entry. */
export function parseLayout(text: string, source: string): Result<KeyboardLayout, LayoutProblem> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return refuse(`${source}: not JSON: ${(error as Error).message}`)
  }
  const parsed = LayoutFile.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.map(String).join('.') ?? ''
    return refuse(`${source}: ${path || 'layout'}: ${issue?.message ?? 'invalid'}`)
  }
  return buildLayout(parsed.data.name, parsed.data.chars, source)
}

/** `us`, or the path of a layout file. */
export function loadLayout(nameOrPath: string): Result<KeyboardLayout, LayoutProblem> {
  if (nameOrPath === 'us') return { ok: true, value: US_LAYOUT }
  let text: string
  try {
    text = readFileSync(nameOrPath, 'utf8')
  } catch (error) {
    return refuse(`cannot read layout ${nameOrPath}: ${(error as Error).message} (built in: us)`)
  }
  return parseLayout(text, nameOrPath)
}

/** Characters of a text the layout cannot type, each once, in order of appearance. */
export interface Unmappable {
  chars: string[]
}

/** The strokes that type `text` on `layout`; a text with any character the layout lacks is refused whole. */
export function strokesForText(layout: KeyboardLayout, text: string): Result<Stroke[], Unmappable> {
  const strokes: Stroke[] = []
  const missing: string[] = []
  // CR LF and a lone CR are one Enter, as typed.
  for (const char of text.normalize('NFC').replace(/\r\n?/g, '\n')) {
    const found = layout.strokes(char)
    if (found) strokes.push(...found)
    else if (!missing.includes(char)) missing.push(char)
  }
  return missing.length > 0 ? { ok: false, error: { chars: missing } } : { ok: true, value: strokes }
}
