import { describe, expect, it } from 'vitest'
import { usStroke } from './us-layout.js'

describe('US layout strokes', () => {
  it('adds Shift for capitals and shifted symbols only', () => {
    expect(usStroke('a')).toEqual({ code: 'KeyA', shift: false })
    expect(usStroke('H')).toEqual({ code: 'KeyH', shift: true })
    expect(usStroke(':')).toEqual({ code: 'Semicolon', shift: true })
    expect(usStroke(';')).toEqual({ code: 'Semicolon', shift: false })
    expect(usStroke('|')).toEqual({ code: 'Backslash', shift: true })
    expect(usStroke('7')).toEqual({ code: 'Digit7', shift: false })
    expect(usStroke('&')).toEqual({ code: 'Digit7', shift: true })
    expect(usStroke('\n')).toEqual({ code: 'Enter', shift: false })
  })

  it('has no stroke for characters outside US ASCII', () => {
    expect(usStroke('ä')).toBeUndefined()
    expect(usStroke('€')).toBeUndefined()
    expect(usStroke('ab')).toBeUndefined()
  })
})
