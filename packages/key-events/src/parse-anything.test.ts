import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseFrame } from './frames.js'
import { KEY_CODES, MODIFIER_CODES } from './key-codes.js'
import { parseEnvelope, parseKeyAction } from './messages.js'
import { parsePointerAction } from './pointer.js'
import { parseBroadcastRequest, parseRoomName } from './relay-wire.js'

const parsers = {
  parseKeyAction,
  parsePointerAction,
  parseEnvelope,
  parseBroadcastRequest,
  parseRoomName,
  parseFrame,
}

describe('parsers on untrusted input', () => {
  it.each(Object.entries(parsers))('%s never throws and always names the problem', (_, parse) => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }),
        (input) => {
          const result = parse(input)
          if (!result.ok) {
            expect(result.error.code).toMatch(/^[a-z-]+$/)
            expect(result.error.message.length).toBeGreaterThan(0)
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it('accepts every key code in every phase, and chords of distinct modifiers', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEY_CODES), fc.constantFrom('down', 'up', 'tap'), (code, phase) => {
        expect(parseKeyAction({ type: 'key', code, phase })).toEqual({
          ok: true,
          value: { type: 'key', code, phase },
        })
      }),
    )
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...MODIFIER_CODES), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...KEY_CODES),
        (modifiers, code) => {
          expect(parseKeyAction({ type: 'chord', modifiers, code }).ok).toBe(true)
          expect(parseKeyAction({ type: 'chord', modifiers: [...modifiers, modifiers[0]], code }).ok).toBe(
            false,
          )
        },
      ),
    )
  })

  it('names what is wrong in words, not a bare "Invalid input"', () => {
    expect(parseKeyAction({ type: 'key', code: 'NotAKey', phase: 'tap' })).toEqual({
      ok: false,
      error: {
        code: 'invalid-action',
        path: 'code',
        message:
          'code: "NotAKey" is not a key code keyroom knows (KeyboardEvent.code names: KeyQ, Digit1, Enter, ArrowLeft, F1…)',
      },
    })
    expect(parseKeyAction({ type: 'chord', modifiers: ['KeyA'], code: 'KeyC' })).toMatchObject({
      ok: false,
      error: { path: 'modifiers.0', message: expect.stringContaining('"KeyA" is not a modifier (ShiftLeft') },
    })
    for (const input of [
      { type: 'key', code: 'KeyQ', phase: 'sideways' },
      { type: 'text', text: 5 },
      'a string',
    ]) {
      const result = parseKeyAction(input)
      expect(!result.ok && result.error.message).not.toMatch(/Invalid input$/)
    }
  })
})
