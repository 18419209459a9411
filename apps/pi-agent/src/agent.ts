import { type FollowedRoom, sendNotice } from '@keyroom/device-kit'
import type { Capabilities, KeyAction, KeyCode } from '@keyroom/key-events'
import { createLeaseTable, type DeviceRoomConnection } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { followSenders, type SenderAction } from './follow-senders.js'
import { type Inputs, openInputs } from './inputs.js'
import type { EngagedOutput } from './output-record.js'
import { openOutputs } from './outputs.js'
import { mappedKeys, type PinMap } from './pin-map.js'
import type { Level, Pins } from './pins.js'

/** The part of a device room the agent uses; `joinDeviceRoom()` and `connectDevice()` results fit. */
export type AgentRoom = FollowedRoom & Pick<DeviceRoomConnection, 'send' | 'updateCapabilities'>

export interface AgentOptions {
  room: AgentRoom
  pins: Pins
  map: PinMap
  logger: Logger
  /** The USB keyboard beside the pins, if any (`hid-agent.ts` drives it); the agent only announces it. */
  hid?: { layout: string }
  /** Told the engaged outputs on every switch (see `output-record.ts`). */
  recordOutputs?: (engaged: EngagedOutput[]) => void
}

export interface Agent {
  /** Switches to a new (already validated) map without leaving the room: every output rests first. */
  reload(map: PinMap): void
  /** Every output to its safe state, every pin unexported, room listeners removed. Synchronous; safe to repeat. */
  shutdown(reason: string): void
  /** The logical state (1 = active) of each mapped output, by BCM number. */
  outputs(): Map<number, Level>
}

/**
 * What the agent announces in its hello so a keypad can show it: the mapped keys, or, as a USB keyboard, every key
 * (`keys` absent), the pointer and the target layout.
 */
export const agentCapabilities = (map: PinMap, hid?: { layout: string }): Capabilities =>
  hid
    ? { inject: true, platform: 'linux', pointer: true, hid: { layout: hid.layout } }
    : { inject: true, platform: 'linux', keys: mappedKeys(map) }

/**
 * Turns verified key actions from the room into pin changes (hold / toggle / pulse, in outputs.ts), and debounced
 * input pins into key events for the room (inputs.ts). Holds follow the room-client lease table. A key not in the
 * map and a pin not in the map are never acted on.
 */
export function createAgent(options: AgentOptions): Agent {
  const { room, pins, logger } = options
  let stopped = false
  // A refused or limited output is told to the room, at most once a second per pin (a flood gets one notice).
  const lastNotice = new Map<number, number>()
  const outputs = openOutputs(
    pins,
    options.map.outputs,
    logger,
    (refusal) => {
      const at = Date.now()
      if (at - (lastNotice.get(refusal.pin) ?? Number.NEGATIVE_INFINITY) < 1_000) return
      lastNotice.set(refusal.pin, at)
      sendNotice(room, logger, { level: 'warn', code: refusal.code, message: refusal.message })
    },
    Date.now,
    options.recordOutputs,
  )

  const refreshHolds = (why: string) => outputs.refreshHolds((code) => leases.isHeld(code), why)
  // Keys each sender holds down, with the lease that releases them if the sender goes quiet.
  const leases = createLeaseTable<KeyCode>({
    onExpire(lease) {
      logger.warn({ from: lease.sender, code: lease.key }, 'hold lease expired without renewal: releasing')
      if (leases.expire(lease)) refreshHolds('lease-expired')
    },
  })
  const release = (from: string, code: KeyCode, why: string) => {
    if (leases.release(from, code) !== 'not-held') refreshHolds(why)
  }
  const releaseSender = (from: string, why: string) => {
    if (leases.heldBy(from).length === 0) return
    leases.releaseSender(from)
    refreshHolds(why)
  }
  const restAll = (why: string) => {
    leases.releaseAll()
    outputs.restAll(why)
  }

  const send = (action: KeyAction) => {
    room.send(action).then(
      (ack) => {
        if (!ack.ok)
          logger.warn({ action: action.type, error: ack.error }, 'the room did not take an input key')
      },
      (error: unknown) => logger.error({ err: error }, 'cannot send an input key'),
    )
  }
  const watch = (map: PinMap): Inputs => openInputs({ pins, bindings: map.inputs, send, logger })
  let inputs = watch(options.map)

  const onAction = (action: KeyAction, from: string) => {
    switch (action.type) {
      case 'key': {
        const matches = outputs.plain(action.code)
        if (matches.length === 0) {
          logger.debug({ code: action.code }, 'key not in the pin map: ignored')
          return
        }
        if (action.phase === 'up') {
          release(from, action.code, 'key-up')
          return
        }
        // A repeated down only renews: it must not flip a toggle twice.
        const fresh = leases.hold(from, action.code)
        refreshHolds('key-down')
        if (fresh) outputs.trigger(matches)
        if (action.phase === 'tap') release(from, action.code, 'tap')
        return
      }
      case 'chord': {
        const matches = outputs.chord(action.modifiers, action.code)
        if (matches.length === 0) logger.debug({ chord: action }, 'chord not in the pin map: ignored')
        outputs.trigger(matches)
        return
      }
      case 'renew':
        leases.renew(from, action.codes)
        return
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

  const onMessage = (message: SenderAction) => {
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
      // GPIO pins have no pointer; button renewals inside a `renew` are ignored the same way.
      case 'move':
      case 'scroll':
      case 'button':
        return
      default: {
        const never: never = body
        return never
      }
    }
  }

  const unsubscribe = followSenders(room, { action: onMessage, releaseSender, releaseAll: restAll })
  room.updateCapabilities(agentCapabilities(options.map, options.hid))
  logger.info({ outputs: options.map.outputs.length, inputs: options.map.inputs.length }, 'pins ready')

  return {
    reload(next) {
      if (stopped) return
      restAll('reload')
      inputs.close()
      outputs.replace(next.outputs)
      inputs = watch(next)
      room.updateCapabilities(agentCapabilities(next, options.hid))
      logger.info({ outputs: next.outputs.length, inputs: next.inputs.length }, 'pin map reloaded')
    },
    shutdown(reason) {
      if (stopped) return
      stopped = true
      unsubscribe()
      restAll(`shutdown-${reason}`)
      inputs.close()
      outputs.close()
      logger.info({ reason }, 'every output safe and unexported')
    },
    outputs: () => outputs.states(),
  }
}
