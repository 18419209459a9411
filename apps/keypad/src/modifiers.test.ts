import { describe, expect, it } from 'vitest'
import {
  activeModifiers,
  consumeModifiers,
  DOUBLE_TAP_MS,
  modeOf,
  NO_MODIFIERS,
  tapModifier,
} from './modifiers.js'

describe('sticky modifiers', () => {
  it('latches on one tap and is used up by the next key', () => {
    const latched = tapModifier(NO_MODIFIERS, 'ShiftLeft', 1000)
    expect(modeOf(latched, 'ShiftLeft')).toBe('latched')
    const { modifiers, next } = consumeModifiers(latched)
    expect(modifiers).toEqual(['ShiftLeft'])
    expect(activeModifiers(next)).toEqual([])
  })

  it('locks on a double tap and stays for every following key', () => {
    const once = tapModifier(NO_MODIFIERS, 'ControlLeft', 1000)
    const locked = tapModifier(once, 'ControlLeft', 1000 + DOUBLE_TAP_MS)
    expect(modeOf(locked, 'ControlLeft')).toBe('locked')
    const first = consumeModifiers(locked)
    const second = consumeModifiers(first.next)
    expect(first.modifiers).toEqual(['ControlLeft'])
    expect(second.modifiers).toEqual(['ControlLeft'])
  })

  it('unlocks when a locked modifier is tapped again', () => {
    let state = tapModifier(NO_MODIFIERS, 'AltLeft', 0)
    state = tapModifier(state, 'AltLeft', 100)
    state = tapModifier(state, 'AltLeft', 5000)
    expect(modeOf(state, 'AltLeft')).toBeUndefined()
  })

  it('drops a latched modifier on a slow second tap instead of locking it', () => {
    const once = tapModifier(NO_MODIFIERS, 'MetaLeft', 0)
    const twice = tapModifier(once, 'MetaLeft', DOUBLE_TAP_MS + 1)
    expect(modeOf(twice, 'MetaLeft')).toBeUndefined()
  })

  it('keeps the tap order for chords, uses up latched ones and keeps locked ones', () => {
    let state = tapModifier(NO_MODIFIERS, 'MetaLeft', 0)
    state = tapModifier(state, 'MetaLeft', 10) // locked
    state = tapModifier(state, 'ShiftLeft', 2000) // latched
    const { modifiers, next } = consumeModifiers(state)
    expect(modifiers).toEqual(['MetaLeft', 'ShiftLeft'])
    expect(activeModifiers(next)).toEqual(['MetaLeft'])
  })

  it('does not change the state it was given', () => {
    const state = tapModifier(NO_MODIFIERS, 'ShiftLeft', 0)
    consumeModifiers(state)
    tapModifier(state, 'ShiftLeft', 10)
    expect(modeOf(state, 'ShiftLeft')).toBe('latched')
    expect(NO_MODIFIERS.entries).toHaveLength(0)
  })
})
