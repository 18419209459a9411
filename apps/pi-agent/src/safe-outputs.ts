import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { createHidOutput, DEFAULT_HID_DEVICES, type HidDevices } from './hid-output.js'
import { loadLayout } from './keyboard-layout.js'
import { openOnoffPins } from './onoff-pins.js'
import { openOutputRecord, restLeftovers } from './output-record.js'
import { openOutputs, rawOf } from './outputs.js'
import { loadPinMap } from './pin-map.js'
import type { Pins } from './pins.js'

export interface SafeOutputsOptions {
  /** The pin map whose outputs go to rest. */
  pinsPath?: string
  /** The USB gadget's devices, for all-zero reports (absent: no HID). */
  hid?: Partial<HidDevices>
  /** The agent's record of engaged outputs: those the map no longer names are rested too. */
  outputRecord?: string
  logger: Logger
  out: (line: string) => void
  /** @default the onoff pins of this Pi */
  openPins?: () => Pins
}

/**
 * Every mapped output to its rest level and unexported, and all-zero reports on the USB gadget: the state a stopped
 * agent must leave. The agent does this itself on a clean stop; the systemd unit's ExecStopPost runs it after any
 * stop, so that a crash or SIGKILL (which no handler sees) leaves nothing engaged either.
 */
export async function setOutputsSafe(options: SafeOutputsOptions): Promise<Result<void, ProtocolError>> {
  const { logger, out } = options
  if (options.pinsPath !== undefined) {
    const map = loadPinMap(options.pinsPath)
    if (!map.ok) return fail('usage', map.error.message, map.error.path)
    let pins: Pins
    try {
      pins = (options.openPins ?? (() => openOnoffPins(logger.child({ module: 'onoff-pins' }))))()
    } catch (error) {
      return fail('usage', (error as Error).message)
    }
    // Opening an output exports it at its rest level (direction and level in one write); closing unexports it.
    openOutputs(pins, map.value.outputs, logger).close()
    if (options.outputRecord !== undefined) {
      const record = openOutputRecord(options.outputRecord, logger.child({ module: 'output-record' }))
      restLeftovers(pins, record.read(), new Set(map.value.outputs.map((o) => o.pin)), logger)
      record.write([])
    }
    for (const binding of map.value.outputs)
      out(
        `BCM ${binding.pin} (${binding.key}) at rest: ${rawOf(binding, binding.initial) === 1 ? 'high' : 'low'}`,
      )
  }
  if (options.hid) {
    const layout = loadLayout('us')
    if (!layout.ok) return fail('usage', layout.error.message)
    const devices = { ...DEFAULT_HID_DEVICES, ...options.hid }
    const hid = createHidOutput({ devices, layout: layout.value, logger: logger.child({ module: 'hid' }) })
    hid.releaseAll()
    await hid.close()
    out(`all-zero reports written to ${Object.values(devices).join(', ')}`)
  }
  return ok(undefined)
}
