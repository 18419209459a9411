import { KEY_CODES } from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import { nutKeyFor } from './key-map.js'
import { MAC_FLAGS, macFlagOf, macKeyOf } from './mac-keycodes.js'

describe('macOS key codes', () => {
  it('names every key libnut can press on macOS, each with its own code', () => {
    const pressable = KEY_CODES.filter((code) => nutKeyFor(code, 'darwin').ok)
    const missing = pressable.filter((code) => !macKeyOf(code))
    expect(missing).toEqual([])
    const seen = new Map<string, string>()
    for (const code of pressable) {
      const id = JSON.stringify(macKeyOf(code))
      // Two codes on one macOS key is only right where libnut itself maps both there.
      expect(seen.get(id), `${code} and ${seen.get(id)} share ${id}`).toBeUndefined()
      seen.set(id, code)
    }
  })

  it('gives the flags libnut sets for the modifiers, left and right alike, and none for other keys', () => {
    expect(macFlagOf('ShiftLeft')).toBe(MAC_FLAGS.shift)
    expect(macFlagOf('ShiftRight')).toBe(MAC_FLAGS.shift)
    expect(macFlagOf('MetaRight')).toBe(MAC_FLAGS.command)
    expect(macFlagOf('KeyA')).toBe(0)
    expect(macKeyOf('ArrowUp')).toEqual({ kind: 'key', code: 0x7e })
    expect(macKeyOf('AudioVolumeMute')).toEqual({ kind: 'media', code: 7 })
    expect(macKeyOf('Insert')).toBeUndefined()
  })
})
