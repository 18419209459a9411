import type { KeyAction } from '@keyroom/key-events'
import { createLeaseRenewer } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { rawOf } from './outputs.js'
import type { InputBinding } from './pin-map.js'
import type { InputPin, Level, Pins } from './pins.js'

export interface Inputs {
  /** Stops watching: a held button sends its up, every input pin is unexported. Safe to repeat. */
  close(): void
}

interface Input {
  binding: InputBinding
  handle: InputPin | undefined
  /** Last raw edge, not yet stable. */
  raw: Level
  /** Logical state last sent to the room (1 = pressed). */
  reported: Level
  settle: ReturnType<typeof setTimeout> | undefined
}

export interface InputsOptions {
  pins: Pins
  bindings: readonly InputBinding[]
  /** Sends a key action to the room; failures are the sender's to log. */
  send(action: KeyAction): void
  logger: Logger
}

/**
 * Debounced input pins as key events for the room: down when a button settles pressed, up when it settles
 * released, and lease renewals (room-client's renewer) while it is held.
 */
export function openInputs(options: InputsOptions): Inputs {
  const { pins, send, logger } = options
  let closed = false
  // The receivers release held keys whose lease is not renewed.
  const renewer = createLeaseRenewer<InputBinding['code']>({
    renew: (codes) => send({ type: 'renew', codes }),
  })

  const settleInput = (input: Input) => {
    input.settle = undefined
    const logical = rawOf(input.binding, input.raw)
    if (logical === input.reported) return
    input.reported = logical
    const { pin, code } = input.binding
    logger.debug({ pin, pressed: logical }, 'input changed')
    if (logical === 1) {
      send({ type: 'key', code, phase: 'down' })
      renewer.hold(pin, code)
    } else {
      renewer.release(pin)
      send({ type: 'key', code, phase: 'up' })
    }
  }

  const openInput = (binding: InputBinding): Input => {
    const input: Input = { binding, handle: undefined, raw: 0, reported: 0, settle: undefined }
    try {
      input.handle = pins.input(binding.pin, (level) => {
        if (closed) return
        input.raw = level
        if (input.settle !== undefined) clearTimeout(input.settle)
        if (binding.debounceMs === 0) settleInput(input)
        else input.settle = setTimeout(() => settleInput(input), binding.debounceMs)
      })
      input.raw = input.handle.read()
      // Whatever the button is doing at start is the baseline, not a press.
      input.reported = rawOf(binding, input.raw)
    } catch (error) {
      logger.error({ pin: binding.pin, err: error }, 'cannot open input pin')
    }
    return input
  }

  const inputs = options.bindings.map(openInput)

  return {
    close() {
      if (closed) return
      closed = true
      renewer.clear()
      for (const input of inputs) {
        if (input.settle !== undefined) clearTimeout(input.settle)
        if (input.reported === 1) send({ type: 'key', code: input.binding.code, phase: 'up' })
        try {
          input.handle?.close()
        } catch (error) {
          logger.error({ pin: input.binding.pin, err: error }, 'cannot unexport input pin')
        }
      }
    },
  }
}
