import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { findGpioChip, sysfsNumber } from './gpio-base.js'

function fakeSysfs(chips: { base: number; label: string; ngpio: number }[]) {
  const root = tempDir('gpio-base-')
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`)
    mkdirSync(dir)
    writeFileSync(join(dir, 'base'), `${chip.base}\n`)
    writeFileSync(join(dir, 'label'), `${chip.label}\n`)
    writeFileSync(join(dir, 'ngpio'), `${chip.ngpio}\n`)
  }
  return root
}

describe('gpio base', () => {
  it.each([
    [571, 'pinctrl-rp1', 54, 588],
    [512, 'pinctrl-bcm2711', 58, 529],
    [0, 'pinctrl-bcm2835', 54, 17],
  ])('finds base %i (%s) and maps BCM 17', (base, label, ngpio, sysfs17) => {
    const root = fakeSysfs([
      { base: 600, label: 'raspberrypi-exp-gpio', ngpio: 8 },
      { base, label, ngpio },
    ])
    const chip = findGpioChip(root)
    expect(chip).toMatchObject({ ok: true, value: { base, label } })
    if (chip.ok) expect(sysfsNumber(chip.value, 17)).toBe(sysfs17)
  })

  it('prefers the rp1 controller when several Pi controllers are listed', () => {
    const root = fakeSysfs([
      { base: 512, label: 'pinctrl-bcm2711', ngpio: 58 },
      { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
    ])
    expect(findGpioChip(root)).toMatchObject({ ok: true, value: { base: 571 } })
  })

  it('explains a machine without a Pi GPIO controller', () => {
    const root = fakeSysfs([{ base: 0, label: 'gpio-mockup', ngpio: 8 }])
    const chip = findGpioChip(root)
    expect(chip).toMatchObject({ ok: false, error: { code: 'no-gpio-chip' } })
    if (!chip.ok) expect(chip.error.message).toMatch(/is this a Raspberry Pi/)
    expect(findGpioChip(join(root, 'missing')).ok).toBe(false)
  })

  it('refuses a BCM number beyond the controller', () => {
    expect(() =>
      sysfsNumber({ chip: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }, 54),
    ).toThrow(/BCM 54/)
  })
})
