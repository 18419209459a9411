import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KEY_CODES, MODIFIER_CODES } from './key-codes.js'
import { parseEnvelope, parseKeyAction } from './messages.js'
import { parseBroadcastRequest, parseRoomName } from './relay-wire.js'
import { parseSealedPayload } from './sealed.js'

const parsers = { parseKeyAction, parseEnvelope, parseBroadcastRequest, parseRoomName, parseSealedPayload }

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
})
