import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_DIR } from '../test/helpers.js'
import { loadPinMap } from './pin-map.js'

describe('pins.example.json', () => {
  it('is valid: BCM 17 held with KeyL, BCM 27 pulsed 500 ms on KeyD', () => {
    const map = loadPinMap(join(APP_DIR, 'pins.example.json'))
    expect(map.ok).toBe(true)
    if (!map.ok) return
    expect(map.value.outputs.map((o) => [o.code, o.pin, o.mode, o.pulseMs])).toEqual([
      ['KeyL', 17, 'hold', 0],
      ['KeyD', 27, 'pulse', 500],
    ])
  })
})
