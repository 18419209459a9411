import { describe, expect, it } from 'vitest'
import { createSimPins } from './sim-pins.js'

describe('sim pins', () => {
  it('prints one JSON object per line for every change, and plays input edges', () => {
    const lines: string[] = []
    const pins = createSimPins((line) => lines.push(line))
    const led = pins.output(17, 0)
    led.write(1)
    const seen: number[] = []
    pins.input(22, (level) => seen.push(level))
    expect(pins.inject(22, 1)).toBe(true)
    expect(pins.inject(17, 1)).toBe(false)
    led.close()
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true)
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { pin: 17, value: 0, event: 'open' },
      { pin: 17, value: 1, event: 'write' },
      { pin: 22, value: 1, event: 'input' },
      { pin: 17, value: 1, event: 'close' },
    ])
    expect(seen).toEqual([1])
    expect(() => pins.output(22, 0)).toThrow(/already open/)
  })
})
