import { describe, expect, it } from 'vitest'
import { mappedKeys, parsePinMap } from './pin-map.js'

const json = (value: unknown) => JSON.stringify(value, null, 2)
const errorOf = (text: string) => {
  const result = parsePinMap(text, 'pins.json')
  if (result.ok) throw new Error('expected an error')
  return result.error
}

describe('pin map', () => {
  it('reads the README example with defaults', () => {
    const result = parsePinMap(
      json({
        outputs: [
          { key: 'KeyL', pin: 17, mode: 'hold' },
          { key: 'KeyD', pin: 27, mode: 'pulse', pulseMs: 500, activeLow: true },
        ],
        inputs: [{ pin: 22, key: 'Enter', activeLow: true }],
      }),
    )
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.outputs[0]).toMatchObject({ code: 'KeyL', pin: 17, mode: 'hold', initial: 0 })
    expect(result.value.outputs[1]).toMatchObject({ pulseMs: 500, activeLow: true })
    expect(result.value.inputs[0]).toMatchObject({ code: 'Enter', debounceMs: 30, activeLow: true })
    expect(mappedKeys(result.value)).toEqual(['KeyL', 'KeyD'])
  })

  it('reads chords with aliases', () => {
    const result = parsePinMap(json({ outputs: [{ key: 'Ctrl+Shift+KeyD', pin: 5, mode: 'toggle' }] }))
    expect(result.ok && result.value.outputs[0]).toMatchObject({
      code: 'KeyD',
      modifiers: ['ControlLeft', 'ShiftLeft'],
    })
  })

  it('names the line and field of a bad value', () => {
    const text = json({
      outputs: [
        { key: 'KeyL', pin: 17, mode: 'hold' },
        { key: 'KeyD', pin: 40, mode: 'hold' },
      ],
    })
    const error = errorOf(text)
    expect(error.path).toBe('outputs.1.pin')
    const line = text.split('\n').findIndex((l) => l.includes('"pin": 40')) + 1
    expect(error.message).toBe(`pins.json:${line}: outputs.1.pin: must be a BCM pin number from 0 to 27`)
  })

  it('explains unknown keys, unknown fields, wrong modes and missing pulse lengths', () => {
    expect(errorOf(json({ outputs: [{ key: 'KeyQQ', pin: 1, mode: 'hold' }] })).message).toMatch(
      /outputs\.0\.key: "KeyQQ" is not a key code/,
    )
    expect(errorOf(json({ outputs: [{ key: 'KeyA', pin: 1, mode: 'hold', pulsems: 5 }] })).message).toMatch(
      /outputs\.0: unknown field "pulsems"/,
    )
    expect(errorOf(json({ outputs: [{ key: 'KeyA', pin: 1, mode: 'blink' }] })).message).toMatch(
      /outputs\.0\.mode: must be "hold", "toggle" or "pulse"/,
    )
    expect(errorOf(json({ outputs: [{ key: 'KeyA', pin: 1, mode: 'pulse' }] })).message).toMatch(
      /outputs\.0\.pulseMs: a pulse needs pulseMs/,
    )
    expect(errorOf(json({ outputs: [{ key: 'KeyA', pin: 1, mode: 'hold', pulseMs: 100 }] })).path).toBe(
      'outputs.0.pulseMs',
    )
    expect(errorOf(json({ outputs: [{ key: 'Ctrl+KeyA', pin: 1, mode: 'hold' }] })).message).toMatch(
      /cannot be held/,
    )
    expect(errorOf(json({ inputs: [{ key: 'Nope', pin: 1 }] })).message).toMatch(
      /inputs\.0\.key: is not a W3C key code/,
    )
    expect(errorOf(json({ outputs: [{ key: 'KeyA', pin: 1.5, mode: 'hold' }] })).path).toBe('outputs.0.pin')
    expect(errorOf(json({ outputs: [] })).message).toMatch(/no outputs and no inputs/)
  })

  it('refuses a pin driven two ways, and a pin that is both input and output', () => {
    const twice = errorOf(
      json({
        outputs: [
          { key: 'KeyL', pin: 17, mode: 'hold' },
          { key: 'KeyD', pin: 17, mode: 'pulse', pulseMs: 100 },
        ],
      }),
    )
    expect(twice.path).toBe('outputs.1.pin')
    expect(twice.message).toMatch(/BCM 17 is already used by outputs\.0/)
    const both = errorOf(
      json({ outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }], inputs: [{ key: 'KeyA', pin: 17 }] }),
    )
    expect(both.message).toMatch(/inputs\.0\.pin: BCM 17 is already used by outputs\.0/)
  })

  it('gives the line of a JSON syntax error', () => {
    const error = errorOf('{\n  "outputs": [\n    { "key": "KeyL", }\n  ]\n}')
    expect(error.message).toMatch(/^pins\.json:3: not valid JSON/)
  })
})
