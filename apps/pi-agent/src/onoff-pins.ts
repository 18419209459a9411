import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Gpio as GpioType } from 'onoff'
import type { Logger } from 'pino'
import { findGpioChip, type GpioChip, sysfsNumber } from './gpio-base.js'
import { type InputPin, type OutputPin, type Pins, toLevel } from './pins.js'

type GpioClass = typeof GpioType
let loaded: { Gpio: GpioClass } | { error: Error } | undefined

/**
 * onoff, loaded on first use: it pulls in a native addon (epoll) that may be missing or built for another Node,
 * and the sim driver must run without it.
 */
function onoff(): { Gpio: GpioClass } | { error: Error } {
  if (!loaded) {
    try {
      loaded = { Gpio: (createRequire(import.meta.url)('onoff') as { Gpio: GpioClass }).Gpio }
    } catch (error) {
      loaded = { error: error as Error }
    }
  }
  return loaded
}

function requireGpio(): GpioClass {
  const module = onoff()
  if ('error' in module) throw new Error(`onoff cannot be loaded: ${module.error.message.split('\n')[0]}`)
  return module.Gpio
}

/** Whether this machine has a writable sysfs GPIO interface and onoff loads (false off a Pi). */
export const onoffAccessible = (): boolean => {
  const module = onoff()
  return 'Gpio' in module && module.Gpio.accessible
}

/**
 * Pins over the kernel's sysfs GPIO interface with onoff. BCM numbers are offset by the Pi controller's base
 * (571 on a Pi 5, 512 on a Pi 4 with kernel 6.6+, 0 before), which onoff does not do.
 * @param options.chip the controller found by `findGpioChip()` (read once at start)
 */
export function createOnoffPins(options: { chip: GpioChip; logger: Logger }): Pins {
  const Gpio = requireGpio()
  const { chip, logger } = options
  logger.info({ chip: chip.chip, label: chip.label, base: chip.base }, 'GPIO controller')
  return {
    output(pin, initial): OutputPin {
      // 'high'/'low' set the direction and the level in one write: no glitch through the other level.
      const gpio = openGpio(Gpio, sysfsNumber(chip, pin), initial === 1 ? 'high' : 'low', 'none')
      // Again by value: a pin that was already exported keeps onoff from failing on a direction write it could
      // not make, and the level must be right whatever happened there.
      gpio.writeSync(initial)
      return {
        pin,
        write: (level) => gpio.writeSync(level),
        read: () => toLevel(gpio.readSync()),
        close: () => unexport(gpio, logger),
      }
    },
    input(pin, onChange): InputPin {
      const gpio = openGpio(Gpio, sysfsNumber(chip, pin), 'in', 'both')
      // Debounce is the agent's job: onoff's own would hide the release edge's timing from it.
      gpio.watch((error, value) => {
        if (error) logger.error({ pin, err: error }, 'GPIO watch failed')
        else onChange(toLevel(value))
      })
      return {
        pin,
        read: () => toLevel(gpio.readSync()),
        close: () => unexport(gpio, logger),
      }
    },
  }
}

const UNEXPORT_WAIT_MS = 200
/** How long an exported pin's files may take to appear, and to get udev's permissions, before the pin is refused. */
const EXPORT_WAIT_MS = 2_000
const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * onoff's Gpio, waiting for the export to take effect. onoff looks for the exported pin's files a fixed 10,000 times
 * (about 80 ms here), not for a time, and throws when they are not there yet: udev setting their permissions late
 * (raspberrypi/linux#553, why onoff looks at all) or a busy machine takes longer. Then this waits for the folder (so
 * as not to export twice) and asks onoff again, until EXPORT_WAIT_MS. 1 ms sleeps: pins open synchronously at start.
 */
function openGpio(
  Gpio: GpioClass,
  gpio: number,
  direction: 'high' | 'low' | 'in',
  edge: 'none' | 'both',
): GpioType {
  const folder = `/sys/class/gpio/gpio${gpio}`
  const deadline = performance.now() + EXPORT_WAIT_MS
  for (;;) {
    try {
      return new Gpio(gpio, direction, edge, { activeLow: false })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if ((code !== 'ENOENT' && code !== 'EACCES') || performance.now() > deadline) throw error
      while (!existsSync(folder) && performance.now() <= deadline) Atomics.wait(pause, 0, 0, 1)
      Atomics.wait(pause, 0, 0, 1)
    }
  }
}

/**
 * Unexports and checks that the pin's folder is gone (the kernel removes it before the write returns), so that a
 * leftover export is logged and the next unexport starts after this one took effect.
 */
function unexport(gpio: GpioType, logger: Logger) {
  const path = `/sys/class/gpio/gpio${(gpio as unknown as { _gpio: number })._gpio}`
  gpio.unexport()
  const deadline = performance.now() + UNEXPORT_WAIT_MS
  // Bounded in time; 1 ms sleeps, because shutdown paths are synchronous.
  while (existsSync(path)) {
    if (performance.now() > deadline) {
      logger.warn({ path }, 'the pin is still exported after unexport')
      return
    }
    Atomics.wait(pause, 0, 0, 1)
  }
}

/** Opens the onoff pins, or explains why not (no Pi GPIO controller found). */
export function openOnoffPins(logger: Logger, sysfsRoot?: string): Pins {
  const chip = findGpioChip(sysfsRoot)
  if (!chip.ok) throw new Error(chip.error.message)
  return createOnoffPins({ chip: chip.value, logger })
}
