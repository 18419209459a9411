import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fail, type Result } from '@keyroom/key-events'

/** The pin controllers whose line numbers are the BCM numbers, best first. */
export const PI_GPIO_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const

/** Where the BCM lines start in the sysfs GPIO number space. */
export interface GpioChip {
  /** Directory name, e.g. `gpiochip571`. */
  chip: string
  label: string
  /** 571 on a Pi 5, 512 on a Pi 4 with kernel 6.6+, 0 on older kernels. */
  base: number
  ngpio: number
}

/**
 * Finds the Pi's main GPIO controller under `sysfsRoot` (its `gpiochip*` whose `label` is a Pi pin controller)
 * and reads its `base`: since kernel 6.6 sysfs numbers are offset (raspberrypi/linux#6084), and onoff does not
 * add the base itself.
 * @param sysfsRoot @default '/sys/class/gpio'
 */
export function findGpioChip(sysfsRoot = '/sys/class/gpio'): Result<GpioChip> {
  let entries: string[]
  try {
    entries = readdirSync(sysfsRoot).filter((name) => name.startsWith('gpiochip'))
  } catch (error) {
    return fail('no-gpio-chip', `cannot read ${sysfsRoot}: ${(error as Error).message}`)
  }
  const chips: GpioChip[] = []
  for (const chip of entries) {
    const read = (file: string) => readFileSync(join(sysfsRoot, chip, file), 'utf8').trim()
    try {
      const label = read('label')
      if (!(PI_GPIO_LABELS as readonly string[]).includes(label)) continue
      const base = Number(read('base'))
      const ngpio = Number(read('ngpio'))
      if (!Number.isInteger(base) || base < 0 || !Number.isInteger(ngpio) || ngpio <= 0) {
        return fail('no-gpio-chip', `${join(sysfsRoot, chip)} has an unreadable base or ngpio`)
      }
      chips.push({ chip, label, base, ngpio })
    } catch {
      // a chip without label/base files is not ours
    }
  }
  const rank = (chip: GpioChip) => (PI_GPIO_LABELS as readonly string[]).indexOf(chip.label)
  const best = chips.sort((a, b) => rank(a) - rank(b))[0]
  if (!best) {
    return fail(
      'no-gpio-chip',
      `no gpiochip in ${sysfsRoot} is labelled ${PI_GPIO_LABELS.join(', ')}: is this a Raspberry Pi? (use --driver sim elsewhere)`,
    )
  }
  return { ok: true, value: best }
}

/** The sysfs number of a BCM pin on `chip`, refusing pins the controller does not have. */
export function sysfsNumber(chip: GpioChip, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.ngpio) {
    throw new RangeError(`BCM ${bcm} is not a line of ${chip.chip} (${chip.label}, ${chip.ngpio} lines)`)
  }
  return chip.base + bcm
}
