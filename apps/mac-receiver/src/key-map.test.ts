import { KEY_CODES } from '@keyroom/key-events'
import { Key } from '@nut-tree-fork/nut-js'
import { describe, expect, it } from 'vitest'
import { nutKeyFor, refusedCodes, requireNutKey } from './key-map.js'

describe('key map', () => {
  it('maps every key-events code to a real nut.js key or gives a reason, on every platform', () => {
    for (const platform of ['darwin', 'linux', 'win32']) {
      for (const code of KEY_CODES) {
        const mapping = nutKeyFor(code, platform)
        if (mapping.ok) expect(Key[mapping.value], `${code} on ${platform}`).toBeTypeOf('number')
        else expect(mapping.error.message).toMatch(/\w/)
      }
    }
  })

  it('maps Meta to Cmd on macOS and to Super elsewhere', () => {
    expect(nutKeyFor('MetaLeft', 'darwin')).toEqual({ ok: true, value: 'LeftCmd' })
    expect(nutKeyFor('MetaRight', 'darwin')).toEqual({ ok: true, value: 'RightCmd' })
    expect(nutKeyFor('MetaLeft', 'linux')).toEqual({ ok: true, value: 'LeftSuper' })
    expect(nutKeyFor('MetaLeft', 'win32')).toEqual({ ok: true, value: 'LeftWin' })
  })

  it('maps the ordinary keys the same everywhere', () => {
    expect(nutKeyFor('KeyA', 'linux')).toEqual({ ok: true, value: 'A' })
    expect(nutKeyFor('Digit4', 'darwin')).toEqual({ ok: true, value: 'Num4' })
    expect(nutKeyFor('Enter', 'darwin')).toEqual({ ok: true, value: 'Return' })
    expect(nutKeyFor('NumpadEnter', 'darwin')).toEqual({ ok: true, value: 'Enter' })
    expect(nutKeyFor('ArrowLeft', 'linux')).toEqual({ ok: true, value: 'Left' })
  })

  it('refuses what a platform cannot inject, with the reason', () => {
    expect(nutKeyFor('ContextMenu', 'linux')).toMatchObject({
      ok: false,
      error: { code: 'unsupported-key', message: expect.stringContaining('Menu'), path: 'ContextMenu' },
    })
    expect(nutKeyFor('ContextMenu', 'win32')).toEqual({ ok: true, value: 'Menu' })
    // libnut-core's macOS keycode.h: K_MENU, K_INSERT, K_PRINTSCREEN, K_NUMLOCK, K_SCROLL_LOCK, K_AUDIO_STOP are
    // K_NOT_A_KEY, so libnut throws for them.
    for (const code of [
      'ContextMenu',
      'Insert',
      'PrintScreen',
      'NumLock',
      'ScrollLock',
      'MediaStop',
    ] as const)
      expect(nutKeyFor(code, 'darwin'), code).toMatchObject({
        ok: false,
        error: { message: expect.stringContaining(code) },
      })
    expect(nutKeyFor('F13', 'linux').ok).toBe(false)
    expect(nutKeyFor('F13', 'darwin').ok).toBe(true)
    expect(nutKeyFor('F24', 'darwin').ok).toBe(false)
    const refused = (platform: string) => KEY_CODES.filter((code) => !nutKeyFor(code, platform).ok)
    expect(refused('linux')).toEqual(expect.arrayContaining(['IntlBackslash', 'Pause', 'F24']))
    expect(refused('darwin')).not.toContain('MetaLeft')
  })

  it('refuses a key it cannot press with an InjectError in the one error shape (code, message, path)', () => {
    expect(() => requireNutKey('Pause', 'darwin')).toThrow(
      expect.objectContaining({
        name: 'InjectError',
        code: 'unsupported-key',
        message: 'Pause cannot be injected on darwin: nut.js cannot press Pause',
        path: 'Pause',
      }),
    )
    expect(requireNutKey('KeyA', 'darwin')).toBe('A')
  })

  it('lists what each platform refuses, for the capability announcement', () => {
    expect(refusedCodes('linux').map((r) => r.code)).toEqual(
      KEY_CODES.filter((code) => !nutKeyFor(code, 'linux').ok),
    )
    expect(refusedCodes('darwin')).toContainEqual({ code: 'Pause', reason: 'nut.js cannot press Pause' })
  })
})
