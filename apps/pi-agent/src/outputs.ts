import type { KeyCode, ModifierCode } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { EngagedOutput } from './output-record.js'
import type { OutputBinding } from './pin-map.js'
import type { Level, OutputPin, Pins } from './pins.js'

export interface Outputs {
  /** Output bindings for a plain key (no modifiers) `code`. */
  plain(code: KeyCode): OutputBinding[]
  /** Output bindings for exactly this chord. */
  chord(modifiers: readonly ModifierCode[], code: KeyCode): OutputBinding[]
  /** Each `hold` output engaged while `isHeld(its key)`, at rest otherwise. */
  refreshHolds(isHeld: (code: KeyCode) => boolean, why: string): void
  /**
   * A press on a toggle flips it; on a pulse it starts the pulse (a press during a pulse does not stretch it). Hold
   * outputs follow `refreshHolds`. Every switch obeys the binding's minIntervalMs and maxOnMs.
   */
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
  /** When it last switched (ms), for minIntervalMs. */
  switchedAt: number
  /** Rests it after maxOnMs engaged. */
  maxOn: ReturnType<typeof setTimeout> | undefined
  /** A hold's engage put off by minIntervalMs. */
  retry: ReturnType<typeof setTimeout> | undefined
  /** Rested by maxOnMs: a hold stays at rest until its key is released and pressed again. */
  tripped: boolean
}

/** An engage the agent refused, or an output it rested on its own, for a notice to the room. */
export interface Refusal {
  pin: number
  key: string
  code: 'output-too-soon' | 'output-max-on'
  message: string
}

export const flip = (level: Level): Level => (level === 1 ? 0 : 1)
/** The electrical level for a logical one (1 = active), after active-low inversion. */
export const rawOf = (binding: { activeLow: boolean }, logical: Level): Level =>
  binding.activeLow ? flip(logical) : logical

/** The mapped output pins: opens them at rest, drives them, and never lets a failing pin stop the others. */
export function openOutputs(
  pins: Pins,
  bindings: readonly OutputBinding[],
  logger: Logger,
  refused: (refusal: Refusal) => void = () => {},
  clock: () => number = Date.now,
  /** Told the engaged outputs before each engage and after each rest (`output-record.ts` keeps them on disk). */
  record: (engaged: EngagedOutput[]) => void = () => {},
): Outputs {
  let outputs = new Map<number, Output>()
  const recordEngaged = () =>
    record(
      [...outputs.values()]
        .filter((o) => o.state !== o.binding.initial)
        .map((o) => ({ pin: o.binding.pin, rest: rawOf(o.binding, o.binding.initial) })),
    )
  let isHeldNow: (code: KeyCode) => boolean = () => false
  const name = (b: OutputBinding) => b.label ?? `${b.key} on BCM ${b.pin}`

  // The one place a pin changes, so the limits hold for every mode: resting is always allowed (it is the safe
  // direction); engaging is refused within minIntervalMs of the last switch, and lasts at most maxOnMs.
  const drive = (output: Output, logical: Level, why: string): boolean => {
    if (output.state === logical) return true
    const { binding } = output
    const engaging = logical !== binding.initial
    const at = clock()
    if (engaging && output.tripped) return false
    // A clock stepped back counts as long ago: it must not lock an output out.
    if (engaging && at >= output.switchedAt && at - output.switchedAt < binding.minIntervalMs) {
      const wait = Math.ceil(binding.minIntervalMs - (at - output.switchedAt))
      // A hold follows its key: it engages late, once the interval has passed, if the key is still held then.
      if (binding.mode === 'hold') {
        clearTimeout(output.retry)
        output.retry = setTimeout(() => {
          output.retry = undefined
          if (isHeldNow(binding.code)) drive(output, logical, `${why}-delayed`)
        }, wait)
        return false
      }
      logger.warn({ pin: binding.pin, why }, 'refused: output switched too recently')
      refused({
        pin: binding.pin,
        key: binding.key,
        code: 'output-too-soon',
        message: `${name(binding)} switched less than ${binding.minIntervalMs} ms ago; try again in ${wait} ms`,
      })
      return false
    }
    if (!engaging) clearTimeout(output.retry)
    output.switchedAt = at
    clearTimeout(output.maxOn)
    output.maxOn = undefined
    if (engaging) {
      output.maxOn = setTimeout(() => {
        output.maxOn = undefined
        clearTimeout(output.pulse)
        output.pulse = undefined
        drive(output, binding.initial, 'max-on')
        output.tripped = true
        logger.warn({ pin: binding.pin }, `rested after ${binding.maxOnMs} ms engaged (maxOnMs)`)
        refused({
          pin: binding.pin,
          key: binding.key,
          code: 'output-max-on',
          message: `${name(binding)} was engaged for ${binding.maxOnMs} ms, its limit: it is back at rest`,
        })
      }, binding.maxOnMs)
    }
    output.state = logical
    // On record before it engages, off it once it rests: a crash in between still finds it.
    if (engaging) recordEngaged()
    try {
      output.handle?.write(rawOf(output.binding, logical))
      logger.debug({ pin: output.binding.pin, active: logical, why }, 'pin changed')
    } catch (error) {
      logger.error({ pin: output.binding.pin, err: error }, 'cannot write pin')
    }
    if (!engaging) recordEngaged()
    return true
  }
  const fresh = (binding: OutputBinding, handle: OutputPin | undefined): Output => ({
    binding,
    handle,
    state: binding.initial,
    pulse: undefined,
    switchedAt: Number.NEGATIVE_INFINITY,
    maxOn: undefined,
    retry: undefined,
    tripped: false,
  })
  const engaged = (o: Output): Level => flip(o.binding.initial)
  const restLevel = (binding: OutputBinding) => rawOf(binding, binding.initial)

  const closeOutput = (output: Output) => {
    clearTimeout(output.retry)
    clearTimeout(output.maxOn)
    clearTimeout(output.pulse)
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
        clearTimeout(old.maxOn)
        clearTimeout(old.retry)
        opened.set(binding.pin, { ...fresh(binding, old.handle), switchedAt: old.switchedAt })
        continue
      }
      let handle: OutputPin | undefined
      try {
        handle = pins.output(binding.pin, restLevel(binding))
      } catch (error) {
        logger.error({ pin: binding.pin, err: error }, 'cannot open output pin')
      }
      opened.set(binding.pin, fresh(binding, handle))
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
      isHeldNow = isHeld
      for (const output of outputs.values()) {
        if (output.binding.mode !== 'hold') continue
        const held = isHeld(output.binding.code)
        // A hold rested by maxOnMs stays at rest until its key is let go.
        if (!held) output.tripped = false
        drive(output, held ? engaged(output) : output.binding.initial, why)
      }
    },
    trigger(targets) {
      for (const output of find(targets)) {
        const { binding } = output
        // A press is a new request: what maxOnMs rested may engage again (after minIntervalMs).
        output.tripped = false
        if (binding.mode === 'toggle') drive(output, flip(output.state), 'toggle')
        // A pulse already running is not stretched by a re-trigger: it ends pulseMs after it began.
        if (
          binding.mode === 'pulse' &&
          output.pulse === undefined &&
          drive(output, engaged(output), 'pulse')
        ) {
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
