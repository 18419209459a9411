import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { connectRoom, type RoomConnection, type RoomLink } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { type Agent, agentCapabilities, createAgent } from './agent.js'
import type { Driver } from './cli-args.js'
import { onoffAccessible, openOnoffPins } from './onoff-pins.js'
import { loadPinMap } from './pin-map.js'
import type { Pins } from './pins.js'
import { createSimPins } from './sim-pins.js'

export interface ServiceOptions {
  link: RoomLink
  pinsPath: string
  driver?: Driver
  name: string
  logger: Logger
  /** Where the sim driver prints its JSON lines. */
  out: (line: string) => void
  /** Where the sim driver reads input edges from (JSON lines). */
  input?: Readable
}

export interface Service {
  agent: Agent
  room: RoomConnection
  driver: Driver
  /** Re-reads the pin map; an invalid new map keeps the old one. Returns whether it switched. */
  reload(): boolean
  /** Outputs safe and unexported first (synchronously), then leaves the room. */
  stop(reason: string): Promise<void>
}

/** Loads the map, opens the pins, joins the room and starts the agent; a `usage` error on a bad map or GPIO. */
export function startService(options: ServiceOptions): Result<Service, ProtocolError> {
  const { logger } = options
  const map = loadPinMap(options.pinsPath)
  if (!map.ok) return fail('usage', map.error.message, map.error.path)
  const driver = options.driver ?? (onoffAccessible() ? 'onoff' : 'sim')
  let pins: Pins
  if (driver === 'onoff') {
    try {
      pins = openOnoffPins(logger.child({ module: 'onoff-pins' }))
    } catch (error) {
      return fail('usage', (error as Error).message)
    }
  } else {
    const sim = createSimPins(options.out)
    pins = sim
    if (options.input) {
      const lines = createInterface({ input: options.input })
      lines.on('line', (line) => {
        if (line.trim() === '') return
        try {
          const edge = JSON.parse(line) as { pin?: unknown; value?: unknown }
          if (typeof edge.pin !== 'number' || (edge.value !== 0 && edge.value !== 1)) throw new Error('shape')
          if (!sim.inject(edge.pin, edge.value))
            logger.warn({ pin: edge.pin }, 'sim: not an input pin of the map')
        } catch {
          logger.warn({ line: line.slice(0, 100) }, 'sim: stdin lines must be {"pin":<BCM>,"value":0|1}')
        }
      })
    }
  }
  logger.info({ driver, pins: options.pinsPath }, 'starting')
  const room = connectRoom({
    link: options.link,
    role: 'pi-agent',
    name: options.name,
    caps: agentCapabilities(map.value),
  })
  room.on('state', (state) => logger.info({ state }, 'room connection'))
  room.on('error', (error) => logger.warn(error, 'room error'))
  room.on('reject', (rejection) => logger.warn(rejection, 'message rejected'))
  const agent = createAgent({ room, pins, map: map.value, logger: logger.child({ module: 'agent' }) })

  return ok({
    agent,
    room,
    driver,
    reload() {
      const next = loadPinMap(options.pinsPath)
      if (!next.ok) {
        logger.error({ error: next.error.message }, 'new pin map refused: keeping the old one')
        return false
      }
      agent.reload(next.value)
      return true
    },
    async stop(reason) {
      agent.shutdown(reason)
      await Promise.race([room.close(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())])
    },
  })
}
