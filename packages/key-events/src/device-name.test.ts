import { describe, expect, it } from 'vitest'
import { DeviceName, nameProblem } from './device-name.js'
import { MAX_NAME_LENGTH } from './protocol.js'

describe('device names', () => {
  it('takes what people call their devices, in any script, with emoji', () => {
    for (const name of [
      'studio-mac',
      "Anna's iPhone",
      'Büro-PC',
      '書斎のMac',
      'door pi 🚪',
      'x'.repeat(MAX_NAME_LENGTH),
    ]) {
      expect(nameProblem(name), name).toBeUndefined()
      expect(DeviceName.safeParse(name).success).toBe(true)
    }
  })

  it('refuses what would forge a log line, rewrite a terminal or read differently than it is', () => {
    const cases: Array<[string, string]> = [
      ['phone\n{"level":30,"msg":"approved"}', 'U+000A'],
      ['\u001b[2J\u001b[Hphone', 'U+001B'],
      ['phone\u0007', 'U+0007'],
      ['phone\u009b31m', 'U+009B'],
      ['pho\u202ene', 'U+202E'],
      ['\u2066phone\u2069', 'U+2066'],
      ['pho\u200bne', 'U+200B'],
      ['\ufeffphone', 'U+FEFF'],
      ['phone\u2028admin', 'U+2028'],
    ]
    for (const [name, code] of cases) {
      expect(nameProblem(name), JSON.stringify(name)).toContain(code)
      expect(DeviceName.safeParse(name).success).toBe(false)
    }
    expect(nameProblem('   ')).toBe('a name needs a visible character')
    expect(nameProblem('x'.repeat(MAX_NAME_LENGTH + 1))).toBe(
      `a name is at most ${MAX_NAME_LENGTH} characters`,
    )
  })
})
