import {
  type Capabilities,
  HOLD_LEASE_MS,
  type KeyAction,
  type KeyCode,
  LEASE_RENEW_INTERVAL_MS,
} from '@keyroom/key-events'
import type { RoomConnection, VerifiedMessage } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { type InputBinding, mappedKeys, type OutputBinding, type PinMap } from './pin-map.js'
import type { InputPin, Level, OutputPin, Pins } from './pins.js'

/** The part of a room connection the agent uses; the real `connectRoom()` result fits, and so do test fakes. */
export type AgentRoom = Pick<RoomConnection, 'on' | 'send' | 'updateCapabilities'>

export interface AgentOptions {
  room: AgentRoom
  pins: Pins
  map: PinMap
  logger: Logger
}

export interface Agent {
  /** Switches to a new (already validated) map without leaving the room: every output rests first. */
  reload(map: PinMap): void
  /** Every output to its safe state, every pin unexported, room listeners removed. Synchronous; safe to repeat. */
  shutdown(reason: string): void
  /** The logical state (1 = active) of each mapped output, by BCM number. */
  outputs(): Map<number, Level>
}

/** What the agent announces in its hello so a keypad can show it. */
export const agentCapabilities = (map: PinMap): Capabilities => ({
  inject: true,
  platform: 'linux',
  keys: mappedKeys(map),
})

interface Output {
  binding: OutputBinding
  handle: OutputPin | undefined
  state: Level
  pulse: ReturnType<typeof setTimeout> | undefined
}

interface Input {
  binding: InputBinding
  handle: InputPin | undefined
  /** Last raw edge, not yet stable. */
  raw: Level
  /** Logical state last sent to the room (1 = pressed). */
  reported: Level
  settle: ReturnType<typeof setTimeout> | undefined
  renew: ReturnType<typeof setInterval> | undefined
}

const flip = (level: Level): Level => (level === 1 ? 0 : 1)
const rawOf = (binding: { activeLow: boolean }, logical: Level): Level =>
  binding.activeLow ? flip(logical) : logical

/**
 * Turns verified key actions from the room into pin changes (hold / toggle / pulse), and debounced input pins into
 * key events for the room. A key not in the map and a pin not in the map are never acted on.
 */
export function createAgent(options: AgentOptions): Agent {
  const { room, pins, logger } = options
  let map = options.map
  let outputs = new Map<number, Output>()
  let inputs: Input[] = []
  // Keys each sender holds down, with the lease that releases them if the sender goes quiet.
  const held = new Map<string, Map<KeyCode, ReturnType<typeof setTimeout>>>()
  let stopped = false

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

  const isHeld = (code: KeyCode) => [...held.values()].some((keys) => keys.has(code))
  const engaged = (o: Output): Level => flip(o.binding.initial)

  const refreshHolds = (why: string) => {
    for (const output of outputs.values()) {
      if (output.binding.mode !== 'hold') continue
      drive(output, isHeld(output.binding.code) ? engaged(output) : output.binding.initial, why)
    }
  }

  const release = (from: string, code: KeyCode, why: string) => {
    const keys = held.get(from)
    const lease = keys?.get(code)
    if (!keys || lease === undefined) return
    clearTimeout(lease)
    keys.delete(code)
    if (keys.size === 0) held.delete(from)
    refreshHolds(why)
  }

  const releaseSender = (from: string, why: string) => {
    const keys = held.get(from)
    if (!keys) return
    for (const lease of keys.values()) clearTimeout(lease)
    held.delete(from)
    refreshHolds(why)
  }

  const lease = (from: string, code: KeyCode) =>
    setTimeout(() => {
      logger.warn({ from, code }, 'hold lease expired without renewal: releasing')
      release(from, code, 'lease-expired')
    }, HOLD_LEASE_MS)

  /** Records a press; false when the sender already held the key (a repeat must not flip a toggle twice). */
  const press = (from: string, code: KeyCode): boolean => {
    const keys = held.get(from) ?? new Map<KeyCode, ReturnType<typeof setTimeout>>()
    held.set(from, keys)
    const previous = keys.get(code)
    if (previous !== undefined) clearTimeout(previous)
    keys.set(code, lease(from, code))
    return previous === undefined
  }

  const trigger = (output: Output) => {
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

  const restAll = (why: string) => {
    for (const keys of held.values()) for (const timer of keys.values()) clearTimeout(timer)
    held.clear()
    for (const output of outputs.values()) {
      if (output.pulse !== undefined) clearTimeout(output.pulse)
      output.pulse = undefined
      drive(output, output.binding.initial, why)
    }
  }

  const plainMatches = (code: KeyCode) =>
    [...outputs.values()].filter((o) => o.binding.code === code && o.binding.modifiers.length === 0)

  const onAction = (action: KeyAction, from: string) => {
    switch (action.type) {
      case 'key': {
        const matches = plainMatches(action.code)
        if (matches.length === 0) {
          logger.debug({ code: action.code }, 'key not in the pin map: ignored')
          return
        }
        if (action.phase === 'up') {
          release(from, action.code, 'key-up')
          return
        }
        const fresh = press(from, action.code)
        refreshHolds('key-down')
        if (fresh) for (const output of matches) trigger(output)
        if (action.phase === 'tap') release(from, action.code, 'tap')
        return
      }
      case 'chord': {
        const wanted = new Set(action.modifiers)
        const matches = [...outputs.values()].filter(
          (o) =>
            o.binding.code === action.code &&
            o.binding.modifiers.length === wanted.size &&
            o.binding.modifiers.every((m) => wanted.has(m)),
        )
        if (matches.length === 0) logger.debug({ chord: action }, 'chord not in the pin map: ignored')
        for (const output of matches) trigger(output)
        return
      }
      case 'renew': {
        const keys = held.get(from)
        for (const code of action.codes) {
          const timer = keys?.get(code)
          if (!keys || timer === undefined) continue
          clearTimeout(timer)
          keys.set(code, lease(from, code))
        }
        return
      }
      case 'release-all':
        releaseSender(from, 'release-all')
        return
      case 'text':
        logger.debug('text actions do not drive pins: ignored')
        return
      default: {
        const never: never = action
        return never
      }
    }
  }

  const onMessage = (message: VerifiedMessage) => {
    if (stopped) return
    const { body } = message
    switch (body.type) {
      case 'key':
      case 'chord':
      case 'renew':
      case 'release-all':
      case 'text':
        onAction(body, message.from)
        return
      case 'hello':
      case 'ping':
      case 'pong':
      case 'notice':
        return
      // GPIO pins have no pointer; button renewals inside a `renew` are ignored the same way.
      case 'move':
      case 'scroll':
      case 'button':
        return
      case 'bye':
        releaseSender(message.from, 'peer-bye')
        return
      default: {
        const never: never = body
        return never
      }
    }
  }

  const sendKey = (input: Input, phase: 'down' | 'up') => {
    const code = input.binding.code
    room.send({ type: 'key', code, phase }).then(
      (ack) => {
        if (!ack.ok) logger.warn({ code, phase, error: ack.error }, 'the room did not take an input key')
      },
      (error: unknown) => logger.error({ err: error }, 'cannot send an input key'),
    )
  }

  const settleInput = (input: Input) => {
    input.settle = undefined
    const logical = rawOf(input.binding, input.raw)
    if (logical === input.reported) return
    input.reported = logical
    logger.debug({ pin: input.binding.pin, pressed: logical }, 'input changed')
    if (logical === 1) {
      sendKey(input, 'down')
      // The receivers release held keys whose lease is not renewed.
      input.renew = setInterval(() => {
        void room.send({ type: 'renew', codes: [input.binding.code] })
      }, LEASE_RENEW_INTERVAL_MS)
    } else {
      if (input.renew !== undefined) clearInterval(input.renew)
      input.renew = undefined
      sendKey(input, 'up')
    }
  }

  const openInput = (binding: InputBinding): Input => {
    const input: Input = {
      binding,
      handle: undefined,
      raw: 0,
      reported: 0,
      settle: undefined,
      renew: undefined,
    }
    try {
      input.handle = pins.input(binding.pin, (level) => {
        if (stopped) return
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

  const closeInput = (input: Input) => {
    if (input.settle !== undefined) clearTimeout(input.settle)
    if (input.renew !== undefined) clearInterval(input.renew)
    if (input.reported === 1) sendKey(input, 'up')
    try {
      input.handle?.close()
    } catch (error) {
      logger.error({ pin: input.binding.pin, err: error }, 'cannot unexport input pin')
    }
  }

  const closeOutput = (output: Output) => {
    try {
      output.handle?.close()
    } catch (error) {
      logger.error({ pin: output.binding.pin, err: error }, 'cannot unexport output pin')
    }
  }

  const open = (next: PinMap, reusable: Map<number, Output>) => {
    const opened = new Map<number, Output>()
    for (const binding of next.outputs) {
      const old = reusable.get(binding.pin)
      const rest = rawOf(binding, binding.initial)
      if (old && rawOf(old.binding, old.binding.initial) === rest) {
        reusable.delete(binding.pin)
        opened.set(binding.pin, { binding, handle: old.handle, state: binding.initial, pulse: undefined })
        continue
      }
      let handle: OutputPin | undefined
      try {
        handle = pins.output(binding.pin, rest)
      } catch (error) {
        logger.error({ pin: binding.pin, err: error }, 'cannot open output pin')
      }
      opened.set(binding.pin, { binding, handle, state: binding.initial, pulse: undefined })
    }
    return opened
  }

  outputs = open(map, new Map())
  inputs = map.inputs.map(openInput)
  const unsubscribe = [
    room.on('message', onMessage),
    room.on('peer-left', (peer) => releaseSender(peer.id, 'peer-left')),
    room.on('state', (state) => {
      if (state !== 'connected') restAll(`connection-${state}`)
    }),
  ]
  room.updateCapabilities(agentCapabilities(map))
  logger.info({ outputs: map.outputs.length, inputs: map.inputs.length }, 'pins ready')

  return {
    reload(next) {
      if (stopped) return
      restAll('reload')
      for (const input of inputs) closeInput(input)
      // Keep the export of a pin that stays an output with the same rest level (no glitch, no re-export).
      const reusable = new Map(outputs)
      for (const [pin, output] of reusable) {
        const staying = next.outputs.find((b) => b.pin === pin)
        if (!staying || rawOf(staying, staying.initial) !== rawOf(output.binding, output.binding.initial)) {
          closeOutput(output)
          reusable.delete(pin)
        }
      }
      map = next
      outputs = open(next, reusable)
      inputs = next.inputs.map(openInput)
      room.updateCapabilities(agentCapabilities(next))
      logger.info({ outputs: next.outputs.length, inputs: next.inputs.length }, 'pin map reloaded')
    },
    shutdown(reason) {
      if (stopped) return
      stopped = true
      for (const off of unsubscribe) off()
      restAll(`shutdown-${reason}`)
      for (const input of inputs) closeInput(input)
      for (const output of outputs.values()) closeOutput(output)
      logger.info({ reason }, 'every output safe and unexported')
    },
    outputs: () => new Map([...outputs].map(([pin, output]) => [pin, output.state])),
  }
}
