import { describe, expect, it } from 'vitest'
import { graphemes, typingDiff } from './live-typing.js'

const backspaces = (n: number) =>
  Array.from({ length: n }, () => ({ type: 'key', code: 'Backspace', phase: 'tap' }))

describe('typingDiff', () => {
  it('sends what was added, nothing for no change', () => {
    expect(typingDiff('', 'h')).toEqual([{ type: 'text', text: 'h' }])
    expect(typingDiff('hel', 'hello')).toEqual([{ type: 'text', text: 'lo' }])
    expect(typingDiff('same', 'same')).toEqual([])
  })

  it('deletes back to where the text differs and retypes (autocorrect, a composing word replaced)', () => {
    expect(typingDiff('teh', 'the')).toEqual([...backspaces(2), { type: 'text', text: 'he' }])
    expect(typingDiff('ka', 'か')).toEqual([...backspaces(2), { type: 'text', text: 'か' }])
    expect(typingDiff('abc', 'ab')).toEqual(backspaces(1))
  })

  it('counts an emoji with its skin tone or joiners as one Backspace', () => {
    expect(graphemes('a👍🏽👩‍👩‍👧')).toEqual(['a', '👍🏽', '👩‍👩‍👧'])
    expect(typingDiff('ok 👍🏽', 'ok ')).toEqual(backspaces(1))
    expect(typingDiff('👍', '👍🏽')).toEqual([...backspaces(1), { type: 'text', text: '👍🏽' }])
  })
})
