import { describe, expect, it } from 'vitest'
import { actionFromFlags } from './cli-commands.js'

describe('send flags', () => {
  it('builds pointer actions from --move, --scroll, --click and --button', () => {
    expect(actionFromFlags({ move: '40,-10' })).toEqual({
      ok: true,
      value: { type: 'move', dx: 40, dy: -10 },
    })
    expect(actionFromFlags({ scroll: ' -3 , 120 ' })).toEqual({
      ok: true,
      value: { type: 'scroll', dx: -3, dy: 120 },
    })
    expect(actionFromFlags({ click: 'middle' })).toEqual({
      ok: true,
      value: { type: 'button', button: 'middle', phase: 'click' },
    })
    expect(actionFromFlags({ button: 'right', phase: 'down' })).toEqual({
      ok: true,
      value: { type: 'button', button: 'right', phase: 'down' },
    })
  })

  it('refuses each bad pointer flag with the reason', () => {
    const cases: [Parameters<typeof actionFromFlags>[0], string][] = [
      [{ move: '1.5,2' }, '--move takes <dx>,<dy> as two integers, e.g. --move 40,-10 (got "1.5,2")'],
      [{ move: '3' }, '--move takes <dx>,<dy>'],
      [{ scroll: '0,0' }, 'a scroll must scroll'],
      [{ move: '99999,0' }, 'dx:'],
      [{ click: 'thumb' }, 'button:'],
      [{ button: 'left', phase: 'tap' }, '--phase for a --button must be down, up or click'],
      [{ move: '1,1', click: 'left' }, 'give exactly one of'],
    ]
    for (const [flags, reason] of cases) {
      const result = actionFromFlags(flags)
      expect(result.ok, JSON.stringify(flags)).toBe(false)
      if (!result.ok) expect(result.error.message).toContain(reason)
    }
  })
})

describe('send --key and --chord', () => {
  it('read keys as people write them, with the chord parser of key-events', () => {
    expect(actionFromFlags({ key: 'a' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'KeyA', phase: 'tap' },
    })
    expect(actionFromFlags({ key: 'esc', phase: 'down' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'Escape', phase: 'down' },
    })
    expect(actionFromFlags({ chord: 'cmd+shift+4' })).toEqual({
      ok: true,
      value: { type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' },
    })
    expect(actionFromFlags({ chord: 'Enter' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'Enter', phase: 'tap' },
    })
  })

  it('refuse an unknown name with the closest one', () => {
    expect(actionFromFlags({ key: 'Entr' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-key', message: '"Entr" is not a key code: did you mean Enter?' },
    })
    expect(actionFromFlags({ chord: 'Ctrl+Shft+T' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-chord', message: '"Shft" is not a modifier: did you mean Shift?' },
    })
  })
})
