import { isKeyCode } from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import { getLayout, isLayoutId, LAYOUT_IDS, LAYOUTS, modifierOf, rowUnits } from './layouts.js'

describe('layouts', () => {
  it('has one layout per id, each switchable by id', () => {
    expect(LAYOUTS.map((l) => l.id)).toEqual([...LAYOUT_IDS])
    for (const id of LAYOUT_IDS) expect(getLayout(id).id).toBe(id)
    expect(isLayoutId('qwerty')).toBe(true)
    expect(isLayoutId('dvorak')).toBe(false)
    expect(isLayoutId(3)).toBe(false)
  })

  it('uses only real key codes and gives every key a non-empty label', () => {
    for (const layout of LAYOUTS) {
      for (const key of layout.rows.flat()) {
        expect(isKeyCode(key.code), `${layout.id}: ${key.code}`).toBe(true)
        expect(key.label.trim().length).toBeGreaterThan(0)
      }
    }
  })

  it('never shows two keys with the same accessible name on one layout', () => {
    for (const layout of LAYOUTS) {
      const labels = layout.rows.flat().map((k) => k.label)
      expect(new Set(labels).size, layout.id).toBe(labels.length)
    }
  })

  it('has QWERTY with a number row, Enter and the modifiers', () => {
    const qwerty = getLayout('qwerty')
    const labels = qwerty.rows.flat().map((k) => k.label)
    expect(qwerty.rows[0]?.filter((k) => k.code.startsWith('Digit')).map((k) => k.label)).toEqual([
      ...'1234567890',
    ])
    expect(
      qwerty.rows[1]
        ?.filter((k) => k.code.startsWith('Key'))
        .map((k) => k.label)
        .join(''),
    ).toBe('QWERTYUIOP')
    for (const name of ['Enter', 'Shift', 'Ctrl', 'Alt', 'Cmd', 'Space', 'Backspace', 'Tab', 'Esc']) {
      expect(labels).toContain(name)
    }
  })

  it('has navigation keys, F1-F12 and media keys', () => {
    const nav = getLayout('navigation')
      .rows.flat()
      .map((k) => k.code)
    for (const code of ['Home', 'End', 'PageUp', 'PageDown', 'Escape', 'Tab', 'ArrowUp', 'ArrowLeft']) {
      expect(nav).toContain(code)
    }
    const fn = getLayout('function')
      .rows.flat()
      .map((k) => k.code)
    for (let i = 1; i <= 12; i++) expect(fn).toContain(`F${i}`)
    expect(
      getLayout('media')
        .rows.flat()
        .map((k) => k.code),
    ).toContain('MediaPlayPause')
    expect(
      getLayout('numpad')
        .rows.flat()
        .map((k) => k.code),
    ).toContain('Numpad5')
  })

  it('tells modifiers from other keys and sums row widths', () => {
    expect(modifierOf({ code: 'ShiftLeft', label: 'Shift' })).toBe('ShiftLeft')
    expect(modifierOf({ code: 'KeyA', label: 'A' })).toBeUndefined()
    expect(
      rowUnits([
        { code: 'KeyA', label: 'A' },
        { code: 'Space', label: 'Space', width: 4 },
      ]),
    ).toBe(5)
  })
})
