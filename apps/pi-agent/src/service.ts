import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { announcePeers, type DeviceRoom, joinDeviceRoom, pairedRoom } from '@keyroom/device-kit'
import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { type Agent, agentCapabilities, createAgent } from './agent.js'
import type { Driver, HidFlags } from './cli-args.js'
import { createHidAgent } from './hid-agent.js'
import { createHidOutput, DEFAULT_HID_DEVICES, type HidOutput } from './hid-output.js'
import { loadLayout } from './keyboard-layout.js'
import { onoffAccessible, openOnoffPins } from './onoff-pins.js'
import { openOutputRecord, restLeftovers } from './output-record.js'
import { loadPinMap, type PinMap } from './pin-map.js'
import type { Pins } from './pins.js'
import { createSimPins } from './sim-pins.js'

export interface ServiceOptions {
  /** The paired state dir: identity, room, devices (approvals, permissions), audit log. */
  configDir: string
  /** The pin map; required unless the driver is `hid` (a USB keyboard needs none). */
  pinsPath?: string
  driver?: Driver
  /** For `--driver hid`: device files (defaults DEFAULT_HID_DEVICES) and the target layout (`us` or a file). */
  hid?: HidFlags
  name: string
  logger: Logger
  /** Where the engaged outputs are kept across a crash (`outputRecordPath`). */
  outputRecord: string
  /** Where the sim driver prints its JSON lines. */
  out: (line: string) => void
  /** Where the sim driver reads input edges from (JSON lines). */
  input?: Readable
}

export interface Service {
  agent: Agent
  room: DeviceRoom
  driver: Driver
  /** Re-reads the pin map; an invalid new map keeps the old one. Returns whether it switched. */
  reload(): boolean
  /** Outputs safe and unexported and HID keys released first (synchronously), then leaves the room. */
  stop(reason: string): Promise<void>
}

/** No pins: `--driver hid` without a map. */
const NO_PINS: PinMap = { outputs: [], inputs: [] }

function openPins(driver: 'onoff' | 'sim', options: ServiceOptions): Result<Pins, ProtocolError> {
  const { logger } = options
  if (driver === 'onoff') {
    try {
      return ok(openOnoffPins(logger.child({ module: 'onoff-pins' })))
    } catch (error) {
      return fail('usage', (error as Error).message)
    }
  }
  const sim = createSimPins(options.out)
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
  return ok(sim)
}

/**
 * Loads the map, opens the pins (and the USB HID gadget with `--driver hid`), joins the room and starts the agents;
 * a `usage` error on a bad map, layout or GPIO.
 */
export function startService(options: ServiceOptions): Result<Service, ProtocolError> {
  const { logger, pinsPath } = options
  const paired = pairedRoom({ tool: 'keyroom-pi', configDir: options.configDir })
  if (!paired.ok) return paired
  const driver = options.driver ?? (onoffAccessible() ? 'onoff' : 'sim')
  if (pinsPath === undefined && driver !== 'hid')
    return fail('usage', '--pins <file> is required (or --driver hid)')
  const map = pinsPath === undefined ? ok(NO_PINS) : loadPinMap(pinsPath)
  if (!map.ok) return fail('usage', map.error.message, map.error.path)
  // Beside a USB keyboard, pins use the real GPIO where there is one.
  const pins = openPins(driver === 'hid' ? (onoffAccessible() ? 'onoff' : 'sim') : driver, options)
  if (!pins.ok) return pins

  let hid: HidOutput | undefined
  if (driver === 'hid') {
    const layout = loadLayout(options.hid?.layout ?? 'us')
    if (!layout.ok) return fail('usage', layout.error.message)
    const devices = { ...DEFAULT_HID_DEVICES, ...options.hid?.devices }
    for (const [name, path] of Object.entries(devices)) {
      if (!existsSync(path))
        logger.warn({ device: path }, `no ${name} device ${path}: run keyroom-pi hid setup`)
    }
    hid = createHidOutput({
      devices,
      layout: layout.value,
      logger: logger.child({ module: 'hid' }),
      onStall: (problem) => {
        // The room is joined below, before any report can stall.
        void room?.send({
          type: 'notice',
          level: 'error',
          code: 'hid-stalled',
          message: problem.slice(0, 500),
        })
      },
    })
  }
  const hidCaps = hid === undefined ? undefined : { layout: hid.layout }

  logger.info({ driver, pins: pinsPath, ...(hidCaps ? { layout: hidCaps.layout } : {}) }, 'starting')
  const room = joinDeviceRoom({
    configDir: options.configDir,
    role: 'pi-agent',
    name: options.name,
    caps: agentCapabilities(map.value, hidCaps),
    logger: logger.child({ module: 'devices' }),
  })
  // pairedRoom() said there is a room: only a store emptied since then gets here.
  if (!room) return fail('usage', 'this device is not paired: run "keyroom-pi pair --relay URL" first')
  announcePeers(room, logger)
  room.on('state', (state) => logger.info({ state }, 'room connection'))
  room.on('error', (error) => logger.warn(error, 'room error'))
  room.on('reject', (rejection) => logger.warn(rejection, 'message rejected'))
  // A run that died with outputs engaged left them so; the map opens its own at rest, this rests the others.
  const record = openOutputRecord(options.outputRecord, logger.child({ module: 'output-record' }))
  restLeftovers(pins.value, record.read(), new Set(map.value.outputs.map((o) => o.pin)), logger)
  record.write([])
  const agent = createAgent({
    room,
    pins: pins.value,
    map: map.value,
    logger: logger.child({ module: 'agent' }),
    ...(hidCaps ? { hid: hidCaps } : {}),
    recordOutputs: (engaged) => record.write(engaged),
  })
  const hidAgent = hid && createHidAgent({ room, hid, logger: logger.child({ module: 'hid-agent' }) })

  return ok({
    agent,
    room,
    driver,
    reload() {
      if (pinsPath === undefined) {
        logger.info('no pin map to reload')
        return false
      }
      const next = loadPinMap(pinsPath)
      if (!next.ok) {
        logger.error({ error: next.error.message }, 'new pin map refused: keeping the old one')
        return false
      }
      agent.reload(next.value)
      return true
    },
    async stop(reason) {
      agent.shutdown(reason)
      hidAgent?.shutdown(reason)
      // The all-zero reports go out first (bounded by the HID write timeout), then the room is left.
      await hid?.close()
      await Promise.race([room.close(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())])
    },
  })
}
