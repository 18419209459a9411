import { fail, type KeyAction, parseChordText, type Result } from '@keyroom/key-events'
import { parseTarget, type Target } from '@keyroom/room-client'
import { type KeyValueStore, readJson, writeJson } from './storage.js'
import { chunkText } from './text-chunks.js'

/** What a macro button does. Chords and steps are written as `Ctrl+KeyC`, `Meta+Shift+Digit4`, `Enter`. */
export type MacroAction =
  | { kind: 'chord'; chord: string }
  | { kind: 'text'; text: string }
  | { kind: 'sequence'; steps: string[] }

export type MacroKind = MacroAction['kind']

/** A custom button on the macro pad. */
export interface Macro {
  id: string
  label: string
  /** CSS colour, `#rrggbb`. */
  color: string
  action: MacroAction
  /** Where this macro's keys go; absent: where the macro pad's keys go. */
  to?: Target
}

export const MACROS_STORAGE_KEY = 'keyroom.macros.v1'
export const MAX_MACROS = 48
export const MAX_LABEL_LENGTH = 24
export const MAX_SEQUENCE_STEPS = 32
const COLOR = /^#[0-9a-fA-F]{6}$/

/** Which modifier the default shortcuts use: Cmd on a Mac, Ctrl everywhere else. */
export type MacroPlatform = 'mac' | 'other'

/** The receivers' platform, as they announce it (`caps.platform`): a Mac only when every receiver is one. */
export function macroPlatform(
  peers: ReadonlyArray<{ role: string; caps: { platform?: string | undefined } }>,
) {
  const receivers = peers.filter((peer) => peer.role !== 'keypad')
  if (receivers.length === 0) return 'mac' satisfies MacroPlatform
  return receivers.every((peer) => peer.caps.platform === 'darwin') ? 'mac' : 'other'
}

/** The macros a new keypad starts with, their shortcuts for the receivers' platform. */
export function defaultMacros(platform: MacroPlatform): Macro[] {
  const mod = platform === 'mac' ? 'Meta' : 'Ctrl'
  return [
    { id: 'copy', label: 'Copy', color: '#2f6fde', action: { kind: 'chord', chord: `${mod}+KeyC` } },
    { id: 'paste', label: 'Paste', color: '#2f6fde', action: { kind: 'chord', chord: `${mod}+KeyV` } },
    { id: 'undo', label: 'Undo', color: '#8a5cd6', action: { kind: 'chord', chord: `${mod}+KeyZ` } },
    {
      id: 'screenshot',
      label: 'Screenshot',
      color: '#d6822f',
      action: { kind: 'chord', chord: platform === 'mac' ? 'Meta+Shift+Digit4' : 'PrintScreen' },
    },
    {
      id: 'hello',
      label: 'Say hello',
      color: '#2f9e5b',
      action: { kind: 'text', text: 'Hello from keyroom!' },
    },
    {
      id: 'new-tab',
      label: 'New tab + search',
      color: '#c2405a',
      action: { kind: 'sequence', steps: [`${mod}+KeyT`, 'KeyK', 'KeyE', 'KeyY', 'Enter'] },
    },
  ]
}

/** The key actions one press of the macro sends, in order; a chord without modifiers is a tap. */
export function macroActions(action: MacroAction): Result<KeyAction[]> {
  switch (action.kind) {
    case 'text':
      if (action.text.length === 0) return fail('invalid-macro', 'the text is empty', 'text')
      return { ok: true, value: chunkText(action.text).map((text) => ({ type: 'text', text })) }
    case 'chord':
      return stepActions([action.chord], 'chord')
    case 'sequence':
      if (action.steps.length === 0) return fail('invalid-macro', 'the sequence has no steps', 'steps')
      if (action.steps.length > MAX_SEQUENCE_STEPS) {
        return fail('invalid-macro', `a sequence has at most ${MAX_SEQUENCE_STEPS} steps`, 'steps')
      }
      return stepActions(action.steps, 'steps')
  }
}

function stepActions(steps: readonly string[], path: string): Result<KeyAction[]> {
  const actions: KeyAction[] = []
  for (const step of steps) {
    const parsed = parseChordText(step)
    if (!parsed.ok) return fail('invalid-macro', parsed.error.message, path)
    const { modifiers, code } = parsed.value
    if (modifiers.length > 4) return fail('invalid-macro', `"${step}" has more than 4 modifiers`, path)
    actions.push(
      modifiers.length === 0 ? { type: 'key', code, phase: 'tap' } : { type: 'chord', modifiers, code },
    )
  }
  return { ok: true, value: actions }
}

/** Sequence steps as the editor writes them: separated by spaces or commas. */
export const parseSteps = (text: string): string[] => text.split(/[\s,]+/).filter((s) => s.length > 0)

/** Checks one macro from storage or the editor; every problem has its own message. */
export function parseMacro(input: unknown): Result<Macro> {
  if (typeof input !== 'object' || input === null)
    return fail('invalid-macro', 'a macro must be an object', '')
  const m = input as Record<string, unknown>
  if (typeof m.id !== 'string' || m.id.length === 0 || m.id.length > 64)
    return fail('invalid-macro', 'id is missing', 'id')
  if (typeof m.label !== 'string' || m.label.trim().length === 0)
    return fail('invalid-macro', 'the label is empty', 'label')
  if (m.label.length > MAX_LABEL_LENGTH) {
    return fail('invalid-macro', `the label is longer than ${MAX_LABEL_LENGTH} characters`, 'label')
  }
  if (typeof m.color !== 'string' || !COLOR.test(m.color))
    return fail('invalid-macro', 'colour must be #rrggbb', 'color')
  const action = parseMacroAction(m.action)
  if (!action.ok) return action
  const checked = macroActions(action.value)
  if (!checked.ok) return checked
  const to = m.to === undefined ? undefined : parseTarget(m.to)
  if (m.to !== undefined && !to)
    return fail('invalid-macro', 'it sends to a place that is not a receiver, a kind or all', 'to')
  const macro: Macro = { id: m.id, label: m.label.trim(), color: m.color, action: action.value }
  return { ok: true, value: to ? { ...macro, to } : macro }
}

function parseMacroAction(input: unknown): Result<MacroAction> {
  if (typeof input !== 'object' || input === null) return fail('invalid-macro', 'action is missing', 'action')
  const a = input as Record<string, unknown>
  if (a.kind === 'chord' && typeof a.chord === 'string')
    return { ok: true, value: { kind: 'chord', chord: a.chord } }
  if (a.kind === 'text' && typeof a.text === 'string')
    return { ok: true, value: { kind: 'text', text: a.text } }
  if (a.kind === 'sequence' && Array.isArray(a.steps) && a.steps.every((s) => typeof s === 'string')) {
    return { ok: true, value: { kind: 'sequence', steps: a.steps as string[] } }
  }
  return fail('invalid-macro', 'action must be a chord, a text or a sequence', 'action')
}

/**
 * The saved macros; undefined when none are saved (the defaults then follow the room's platform); invalid entries
 * are skipped (storage is untrusted).
 */
export function loadMacros(store: KeyValueStore): Macro[] | undefined {
  const saved = readJson(store, MACROS_STORAGE_KEY)
  if (!Array.isArray(saved)) return undefined
  return saved
    .slice(0, MAX_MACROS)
    .map(parseMacro)
    .flatMap((r) => (r.ok ? [r.value] : []))
}

export const saveMacros = (store: KeyValueStore, macros: readonly Macro[]): boolean =>
  writeJson(store, MACROS_STORAGE_KEY, macros.slice(0, MAX_MACROS))

/** Adds or replaces (by id) one macro. */
export function upsertMacro(macros: readonly Macro[], macro: Macro): Macro[] {
  const index = macros.findIndex((m) => m.id === macro.id)
  if (index < 0) return [...macros, macro].slice(0, MAX_MACROS)
  return macros.map((m, i) => (i === index ? macro : m))
}

export const removeMacro = (macros: readonly Macro[], id: string): Macro[] =>
  macros.filter((m) => m.id !== id)
