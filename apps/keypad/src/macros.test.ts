import { MAX_TEXT_LENGTH, parseKeyAction } from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import {
  defaultMacros,
  loadMacros,
  MACROS_STORAGE_KEY,
  macroActions,
  macroPlatform,
  parseMacro,
  parseSteps,
  removeMacro,
  saveMacros,
  upsertMacro,
} from './macros.js'
import { memoryStore } from './storage.js'
import { chunkText } from './text-chunks.js'

describe('macro actions', () => {
  it('turns a chord into a chord action and a bare key into a tap', () => {
    expect(macroActions({ kind: 'chord', chord: 'Cmd+Shift+Digit4' })).toEqual({
      ok: true,
      value: [{ type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' }],
    })
    expect(macroActions({ kind: 'chord', chord: 'Enter' })).toEqual({
      ok: true,
      value: [{ type: 'key', code: 'Enter', phase: 'tap' }],
    })
  })

  it('turns a sequence into its steps in order', () => {
    const result = macroActions({ kind: 'sequence', steps: parseSteps('Meta+KeyT, KeyH  Enter') })
    expect(result).toEqual({
      ok: true,
      value: [
        { type: 'chord', modifiers: ['MetaLeft'], code: 'KeyT' },
        { type: 'key', code: 'KeyH', phase: 'tap' },
        { type: 'key', code: 'Enter', phase: 'tap' },
      ],
    })
  })

  it('reads chords and steps as people write them (issue 15): any case, letters, digits, aliases', () => {
    expect(macroActions({ kind: 'chord', chord: 'ctrl+a' })).toEqual({
      ok: true,
      value: [{ type: 'chord', modifiers: ['ControlLeft'], code: 'KeyA' }],
    })
    expect(macroActions({ kind: 'sequence', steps: parseSteps('opt+win+4 h esc') })).toEqual({
      ok: true,
      value: [
        { type: 'chord', modifiers: ['AltLeft', 'MetaLeft'], code: 'Digit4' },
        { type: 'key', code: 'KeyH', phase: 'tap' },
        { type: 'key', code: 'Escape', phase: 'tap' },
      ],
    })
    expect(macroActions({ kind: 'sequence', steps: ['Cmd+T', 'Entr'] })).toMatchObject({
      ok: false,
      error: { message: '"Entr" is not a key code: did you mean Enter?', path: 'steps' },
    })
  })

  it('splits long text into valid text actions without cutting a surrogate pair', () => {
    const text = `${'a'.repeat(MAX_TEXT_LENGTH - 1)}😀tail`
    const chunks = chunkText(text)
    expect(chunks.join('')).toBe(text)
    expect(chunks[0]).toHaveLength(MAX_TEXT_LENGTH - 1)
    const result = macroActions({ kind: 'text', text })
    expect(result.ok && result.value.every((a) => parseKeyAction(a).ok)).toBe(true)
  })

  it('explains what is wrong with a bad macro', () => {
    const bad = (action: Parameters<typeof macroActions>[0]) => {
      const r = macroActions(action)
      return r.ok ? 'ok' : r.error.message
    }
    expect(bad({ kind: 'chord', chord: 'Ctrl+Banana' })).toMatch(/"Banana" is not a key code/)
    expect(bad({ kind: 'chord', chord: 'Hyper+KeyA' })).toMatch(/"Hyper" is not a modifier/)
    expect(bad({ kind: 'sequence', steps: [] })).toMatch(/no steps/)
    expect(bad({ kind: 'text', text: '' })).toMatch(/empty/)
  })

  it("default shortcuts follow the receivers' platform: Cmd only when every receiver is a Mac", () => {
    const mac = { role: 'mac-receiver', caps: { platform: 'darwin' } }
    const linux = { role: 'mac-receiver', caps: { platform: 'linux' } }
    const phone = { role: 'keypad', caps: { platform: 'browser' } }
    expect(macroPlatform([mac, phone])).toBe('mac')
    expect(macroPlatform([mac, linux])).toBe('other')
    expect(macroPlatform([])).toBe('mac')
    expect(defaultMacros('mac').find((m) => m.id === 'copy')?.action).toEqual({
      kind: 'chord',
      chord: 'Meta+KeyC',
    })
    expect(defaultMacros('other').find((m) => m.id === 'copy')?.action).toEqual({
      kind: 'chord',
      chord: 'Ctrl+KeyC',
    })
  })

  it('every default macro is valid', () => {
    for (const platform of ['mac', 'other'] as const)
      for (const macro of defaultMacros(platform)) expect(parseMacro(macro).ok, macro.label).toBe(true)
  })
})

describe('macro storage', () => {
  it('starts with the defaults and keeps edits across loads', () => {
    const store = memoryStore()
    expect(loadMacros(store)).toBeUndefined()
    const added = upsertMacro(defaultMacros('mac'), {
      id: 'x',
      label: 'Lock',
      color: '#000000',
      action: { kind: 'chord', chord: 'Ctrl+Meta+KeyQ' },
    })
    saveMacros(store, removeMacro(added, 'copy'))
    const loaded = loadMacros(store) ?? []
    expect(loaded.map((m) => m.id)).toEqual(['paste', 'undo', 'screenshot', 'hello', 'new-tab', 'x'])
    expect(upsertMacro(loaded, { ...loaded[0]!, label: 'Paste!' })[0]?.label).toBe('Paste!')
  })

  it('skips stored entries that are not valid macros (storage is untrusted)', () => {
    const store = memoryStore()
    store.setItem(
      MACROS_STORAGE_KEY,
      JSON.stringify([
        { id: 'ok', label: 'Fine', color: '#112233', action: { kind: 'text', text: 'hi' } },
        { id: 'c', label: 'Bad colour', color: 'red', action: { kind: 'text', text: 'hi' } },
        { id: 'k', label: 'Bad key', color: '#112233', action: { kind: 'chord', chord: 'Ctrl+Nope' } },
        { id: 'n', label: 'No action', color: '#112233' },
        'junk',
      ]),
    )
    expect(loadMacros(store)?.map((m) => m.id)).toEqual(['ok'])
  })

  it('names the field that is wrong', () => {
    const base = { id: 'a', label: 'A', color: '#123456', action: { kind: 'text', text: 'x' } }
    const path = (input: unknown) => {
      const r = parseMacro(input)
      return r.ok ? 'ok' : r.error.path
    }
    expect(path(base)).toBe('ok')
    expect(path({ ...base, label: ' ' })).toBe('label')
    expect(path({ ...base, label: 'x'.repeat(25) })).toBe('label')
    expect(path({ ...base, color: '#12345' })).toBe('color')
    expect(path({ ...base, action: { kind: 'shell', cmd: 'rm' } })).toBe('action')
    expect(path({ ...base, to: 'kind:printer' })).toBe('to')
    expect(path({ ...base, to: 42 })).toBe('to')
    expect(path(null)).toBe('')
  })

  it('keeps where a macro sends its keys, with the fingerprint as the receiver writes it', () => {
    const base = { id: 'a', label: 'Door', color: '#123456', action: { kind: 'chord', chord: 'F13' } }
    const parsed = parseMacro({ ...base, to: 'device:7xq4m2kd9fhr0wce' })
    expect(parsed.ok && parsed.value.to).toBe('device:7XQ4-M2KD-9FHR-0WCE')
    const plain = parseMacro(base)
    expect(plain.ok && 'to' in plain.value).toBe(false)
  })
})
