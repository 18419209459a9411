import { describe, expect, it } from 'vitest'
import { parseChordText, parseKeyName } from './chord-text.js'

const chord = (text: string) => {
  const parsed = parseChordText(text)
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`)
  return parsed.value
}
const refusal = (text: string) => {
  const parsed = parseChordText(text)
  if (parsed.ok) throw new Error(`${text} parsed as ${JSON.stringify(parsed.value)}`)
  expect(parsed.error.code).toBe('invalid-chord')
  return parsed.error.message
}

describe('chord text', () => {
  it('reads aliases and W3C codes', () => {
    expect(parseChordText('Cmd+Shift+Digit4')).toEqual({
      ok: true,
      value: { modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' },
    })
    expect(parseChordText('ControlRight+KeyC')).toMatchObject({
      ok: true,
      value: { modifiers: ['ControlRight'] },
    })
    expect(parseChordText('Enter')).toEqual({ ok: true, value: { modifiers: [], code: 'Enter' } })
  })

  it('explains what is wrong', () => {
    expect(parseChordText('Hyper+KeyC')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Hyper') },
    })
    // A single letter is a key now (issue 15): what stays unknown is named in quotes.
    expect(parseChordText('Ctrl+Qq')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('"Qq"') },
    })
    expect(parseChordText('Ctrl+Ctrl+KeyC').ok).toBe(false)
    expect(parseChordText('').ok).toBe(false)
  })

  it('reads single letters and digits as their keys, in either case', () => {
    expect(chord('Ctrl+A')).toEqual({ modifiers: ['ControlLeft'], code: 'KeyA' })
    expect(chord('ctrl+a')).toEqual({ modifiers: ['ControlLeft'], code: 'KeyA' })
    expect(chord('Cmd+Shift+4')).toEqual({ modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' })
    expect(chord('z')).toEqual({ modifiers: [], code: 'KeyZ' })
    expect(chord('0')).toEqual({ modifiers: [], code: 'Digit0' })
  })

  it('reads every name in any case, with spaces around the parts', () => {
    expect(chord('CTRL+SHIFT+ENTER')).toEqual({ modifiers: ['ControlLeft', 'ShiftLeft'], code: 'Enter' })
    expect(chord(' shiftright + keyc ')).toEqual({ modifiers: ['ShiftRight'], code: 'KeyC' })
    expect(chord('alt+f4')).toEqual({ modifiers: ['AltLeft'], code: 'F4' })
    expect(chord('cMd+ArRoWlEfT')).toEqual({ modifiers: ['MetaLeft'], code: 'ArrowLeft' })
  })

  it.each([
    ['Cmd', 'MetaLeft'],
    ['Command', 'MetaLeft'],
    ['Meta', 'MetaLeft'],
    ['Win', 'MetaLeft'],
    ['Super', 'MetaLeft'],
    ['Ctrl', 'ControlLeft'],
    ['Control', 'ControlLeft'],
    ['Opt', 'AltLeft'],
    ['Option', 'AltLeft'],
    ['Alt', 'AltLeft'],
    ['Shift', 'ShiftLeft'],
  ])('reads the modifier alias %s as %s', (alias, code) => {
    expect(chord(`${alias}+KeyK`).modifiers).toEqual([code])
    expect(chord(`${alias.toLowerCase()}+k`).modifiers).toEqual([code])
  })

  it.each([
    ['Esc', 'Escape'],
    ['Return', 'Enter'],
    ['Del', 'Delete'],
    ['Ins', 'Insert'],
    ['Up', 'ArrowUp'],
    ['Left', 'ArrowLeft'],
    ['PgDn', 'PageDown'],
    ['Shift', 'ShiftLeft'],
    ['Cmd', 'MetaLeft'],
  ])('reads the key name %s as %s', (name, code) => {
    expect(chord(name).code).toBe(code)
    expect(parseKeyName(name.toUpperCase())).toEqual({ ok: true, value: code })
  })

  it('suggests the closest name for a typo', () => {
    expect(refusal('Entr')).toBe('"Entr" is not a key code: did you mean Enter?')
    expect(refusal('Ctrl+Ecsape')).toBe('"Ecsape" is not a key code: did you mean Escape?')
    expect(refusal('Ctrl+Shft+A')).toBe('"Shft" is not a modifier: did you mean Shift?')
    expect(refusal('Contrl+A')).toBe('"Contrl" is not a modifier: did you mean Control?')
    expect(refusal('KeyQQ')).toBe('"KeyQQ" is not a key code: did you mean KeyQ?')
    expect(parseKeyName('Spce')).toEqual({
      ok: false,
      error: { code: 'invalid-key', message: '"Spce" is not a key code: did you mean Space?', path: '' },
    })
  })

  it('says what it takes when no name is close', () => {
    expect(refusal('Ctrl+Banana')).toBe(
      '"Banana" is not a key code (a letter, a digit, or a name such as Enter, Esc, Space, Left, F5, KeyC)',
    )
    expect(refusal('Hyper+KeyA')).toBe(
      '"Hyper" is not a modifier (Shift, Ctrl, Alt/Opt, Cmd/Meta/Win, or a W3C code such as ShiftRight)',
    )
    // A key is not a modifier, and a modifier named twice (under two names) is refused.
    expect(refusal('KeyA+KeyB')).toMatch(/^"KeyA" is not a modifier/)
    expect(refusal('Cmd+Meta+A')).toBe('"Meta" repeats a modifier of "Cmd+Meta+A"')
    expect(refusal('Ctrl+')).toBe('"Ctrl+" is not a chord like Cmd+Shift+4')
  })
})
