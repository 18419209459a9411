import { describe, expect, it } from 'vitest'
import { createFeedback } from './feedback.js'

describe('feedback', () => {
  it('vibrates on every press where the browser can', () => {
    const buzzes: number[] = []
    const feedback = createFeedback({ vibrate: (ms) => buzzes.push(ms) > 0 })
    feedback.press()
    feedback.press()
    expect(buzzes).toEqual([10, 10])
  })

  it('clicks only when sound is on, and survives a browser that refuses', () => {
    let contexts = 0
    const feedback = createFeedback({
      createAudioContext: () => {
        contexts++
        throw new Error('audio not allowed')
      },
    })
    feedback.press()
    expect(contexts).toBe(0)
    feedback.setSound(true)
    expect(() => feedback.press()).not.toThrow()
    expect(contexts).toBe(1)
  })
})
