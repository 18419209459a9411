import type { KeyCode, ModifierCode } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { OutputBinding } from './pin-map.js'
import type { Level, OutputPin, Pins } from './pins.js'

export interface Outputs {
  /** Output bindings for a plain key (no modifiers) `code`. */
  plain(code: KeyCode): OutputBinding[]
  /** Output bindings for exactly this chord. */
  chord(modifiers: readonly ModifierCode[], code: KeyCode): OutputBinding[]
  /** Each `hold` output engaged while `isHeld(its key)`, at rest otherwise. */
  refreshHolds(isHeld: (code: KeyCode) => boolean, why: string): void
  /** A press on a toggle flips it; on a pulse it (re)starts the pulse. Hold outputs follow `refreshHolds`. */
  trigger(bindings: readonly OutputBinding[]): void
  /** Every output (pulses too) to its rest state. */
  restAll(why: string): void
  /** Switches to new bindings; a pin that stays an output with the same rest level keeps its export. */
  replace(next: readonly OutputBinding[]): void
  /** Unexports every output pin (rest them first). */
  close(): void
  /** The logical state (1 = active) of each output, by BCM number. */
  states(): Map<number, Level>
}

interface Output {
  binding: OutputBinding
  handle: OutputPin | undefined
  state: Level
  pulse: ReturnType<typeof setTimeout> | undefined
}

export const flip = (level: Level): Level => (level === 1 ? 0 : 1)
/** The electrical level for a logical one (1 = active), after active-low inversion. */
export const rawOf = (binding: { activeLow: boolean }, logical: Level): Level =>
  binding.activeLow ? flip(logical) : logical

/** The mapped output pins: opens them at rest, drives them, and never lets a failing pin stop the others. */
export function openOutputs(pins: Pins, bindings: readonly OutputBinding[], logger: Logger): Outputs {
  let outputs = new Map<number, Output>()

  const drive = (output: Output, logical: Level, why: string) => {
    if (output.state === logical) return
    output.state = logical
    try {
      output.handle?.write(rawOf(output.binding, logical))
      logger.debug({ pin: output.binding.pin, active: logical, why }, 'pin changed')
    } catch (error) {
      logger.error({ pin: output.binding.pin, err: error }, 'cannot write pin')
    }
  }
  const engaged = (o: Output): Level => flip(o.binding.initial)
  const restLevel = (binding: OutputBinding) => rawOf(binding, binding.initial)

  const closeOutput = (output: Output) => {
    try {
      output.handle?.close()
    } catch (error) {
      logger.error({ pin: output.binding.pin, err: error }, 'cannot unexport output pin')
    }
  }

  const open = (next: readonly OutputBinding[], reusable: Map<number, Output>) => {
    const opened = new Map<number, Output>()
    for (const binding of next) {
      const old = reusable.get(binding.pin)
      if (old && restLevel(old.binding) === restLevel(binding)) {
        reusable.delete(binding.pin)
        opened.set(binding.pin, { binding, handle: old.handle, state: binding.initial, pulse: undefined })
        continue
      }
      let handle: OutputPin | undefined
      try {
        handle = pins.output(binding.pin, restLevel(binding))
      } catch (error) {
        logger.error({ pin: binding.pin, err: error }, 'cannot open output pin')
      }
      opened.set(binding.pin, { binding, handle, state: binding.initial, pulse: undefined })
    }
    return opened
  }

  const find = (bindings: readonly OutputBinding[]) =>
    bindings.flatMap((binding) => {
      const output = outputs.get(binding.pin)
      return output?.binding === binding ? [output] : []
    })

  outputs = open(bindings, new Map())

  return {
    plain: (code) =>
      [...outputs.values()].map((o) => o.binding).filter((b) => b.code === code && b.modifiers.length === 0),
    chord(modifiers, code) {
      const wanted = new Set(modifiers)
      return [...outputs.values()]
        .map((o) => o.binding)
        .filter(
          (b) =>
            b.code === code && b.modifiers.length === wanted.size && b.modifiers.every((m) => wanted.has(m)),
        )
    },
    refreshHolds(isHeld, why) {
      for (const output of outputs.values()) {
        if (output.binding.mode !== 'hold') continue
        drive(output, isHeld(output.binding.code) ? engaged(output) : output.binding.initial, why)
      }
    },
    trigger(targets) {
      for (const output of find(targets)) {
        const { binding } = output
        if (binding.mode === 'toggle') drive(output, flip(output.state), 'toggle')
        if (binding.mode === 'pulse') {
          if (output.pulse !== undefined) clearTimeout(output.pulse)
          drive(output, engaged(output), 'pulse')
          output.pulse = setTimeout(() => {
            output.pulse = undefined
            drive(output, binding.initial, 'pulse-end')
          }, binding.pulseMs)
        }
      }
    },
    restAll(why) {
      for (const output of outputs.values()) {
        if (output.pulse !== undefined) clearTimeout(output.pulse)
        output.pulse = undefined
        drive(output, output.binding.initial, why)
      }
    },
    replace(next) {
      // Keep the export of a pin that stays an output with the same rest level (no glitch, no re-export).
      const reusable = new Map(outputs)
      for (const [pin, output] of reusable) {
        const staying = next.find((b) => b.pin === pin)
        if (!staying || restLevel(staying) !== restLevel(output.binding)) {
          closeOutput(output)
          reusable.delete(pin)
        }
      }
      outputs = open(next, reusable)
    },
    close() {
      for (const output of outputs.values()) closeOutput(output)
    },
    states: () => new Map([...outputs].map(([pin, output]) => [pin, output.state])),
  }
}
