import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { loadLayout, parseLayout, strokesForText, US_LAYOUT } from './keyboard-layout.js'

describe('keyboard layouts', () => {
  it('US: letters, shifted symbols, digits, whitespace', () => {
    const typed = strokesForText(US_LAYOUT, 'aZ1!\t\r\n?')
    expect(typed).toEqual({
      ok: true,
      value: [
        { code: 'KeyA', modifiers: [] },
        { code: 'KeyZ', modifiers: ['ShiftLeft'] },
        { code: 'Digit1', modifiers: [] },
        { code: 'Digit1', modifiers: ['ShiftLeft'] },
        { code: 'Tab', modifiers: [] },
        { code: 'Enter', modifiers: [] }, // CR LF is one Enter
        { code: 'Slash', modifiers: ['ShiftLeft'] },
      ],
    })
  })

  it('US types every printable ASCII character and nothing beyond it', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')
    expect(strokesForText(US_LAYOUT, ascii).ok).toBe(true)
    expect(strokesForText(US_LAYOUT, 'naïve €5 😀 é')).toEqual({
      ok: false,
      error: { chars: ['ï', '€', '😀', 'é'] },
    })
  })

  it('a layout file maps characters to strokes, with AltRight for AltGr and dead keys as sequences', () => {
    const de = parseLayout(
      JSON.stringify({
        name: 'de',
        chars: {
          z: 'KeyY',
          Z: 'Shift+KeyY',
          '@': 'AltRight+KeyQ',
          '^': ['Backquote', 'Space'],
          é: ['Equal', 'KeyE'],
        },
      }),
      'de.json',
    )
    if (!de.ok) throw new Error(de.error.message)
    expect(de.value.name).toBe('de')
    // A decomposed é (e + U+0301) is the same character once normalized.
    expect(strokesForText(de.value, 'z@^e\u0301')).toEqual({
      ok: true,
      value: [
        { code: 'KeyY', modifiers: [] },
        { code: 'KeyQ', modifiers: ['AltRight'] },
        { code: 'Backquote', modifiers: [] },
        { code: 'Space', modifiers: [] },
        { code: 'Equal', modifiers: [] },
        { code: 'KeyE', modifiers: [] },
      ],
    })
    expect(strokesForText(de.value, 'zy')).toEqual({ ok: false, error: { chars: ['y'] } })
  })

  it('a bad layout file is refused with the file and the entry', () => {
    expect(parseLayout('{', 'x.json')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^x\.json: not JSON/) },
    })
    expect(parseLayout('{"name":"x","chars":{"a":"KeyQQ"}}', 'x.json')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^x\.json: chars\."a": "KeyQQ" is not a key code/) },
    })
    expect(parseLayout('{"name":"x","chars":{"ab":"KeyA"}}', 'x.json')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('must be one character') },
    })
    expect(parseLayout('{"name":"x","chars":{},"extra":1}', 'x.json').ok).toBe(false)
  })

  it('loads "us" by name and other layouts from a file', () => {
    expect(loadLayout('us')).toEqual({ ok: true, value: US_LAYOUT })
    const file = join(tempDir('keyroom-layout-'), 'fr.json')
    writeFileSync(file, JSON.stringify({ name: 'fr', chars: { a: 'KeyQ' } }))
    const fr = loadLayout(file)
    expect(fr.ok && fr.value.strokes('a')).toEqual([{ code: 'KeyQ', modifiers: [] }])
    expect(loadLayout('/nowhere/de.json')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('built in: us') },
    })
  })
})
