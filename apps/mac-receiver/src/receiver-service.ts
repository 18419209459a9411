import { join } from 'node:path'
import {
  announcePeers,
  type CommandRunner,
  type DeviceRoom,
  deviceName,
  joinDeviceRoom,
} from '@keyroom/device-kit'
import { type Capabilities, fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Driver } from './cli-args.js'
import {
  HELD_FILE,
  NOTHING_HELD,
  openHeldFile,
  releaseLeftoverButtons,
  releaseLeftovers,
} from './held-file.js'
import type { ReleaseReason } from './held-keys.js'
import { refusedCodes } from './key-map.js'
import type { Keyboard } from './keyboard.js'
import { createLogKeyboard } from './log-keyboard.js'
import { createLogPointer } from './log-pointer.js'
import { checkInjectionBlocked } from './mac-checks.js'
import { createNutKeyboard } from './nut-keyboard.js'
import { createNutPointer } from './nut-pointer.js'
import type { Pointer } from './pointer.js'
import { createReceiver, type Receiver } from './receiver.js'
import { readRepeatSettings } from './repeat-settings.js'
import { openX11 } from './x11-client.js'
import { createX11Text } from './x11-text.js'

export interface ServiceOptions {
  driver: Driver
  name?: string
  logger: Logger
  platform: string
  run: CommandRunner
  /**
   * The config dir: this computer's identity, room and devices (`devices.json`, as `pair` left it), the audit log,
   * and the keys held right now, kept across a crash (`held-keys.json`).
   */
  stateDir: string
  /** How often to look at Accessibility and Secure Input again (macOS). @default 5000 */
  blockedCheckMs?: number
  /** The log driver writes lines for a person instead of JSON (stdout is a terminal). @default false */
  humanOutput?: boolean
}

export interface ReceiverService {
  room: DeviceRoom
  receiver: Receiver
  /** Releases every held key, leaves the room. */
  stop(reason: ReleaseReason): Promise<void>
}

/** Linux: keyroom's own X connection, for Unicode text; without one, text is US ASCII only. */
async function openX11Text(logger: Logger) {
  try {
    const client = await openX11()
    // The X server repeats held keys itself, with these settings (`xset q` shows the same).
    logger.info({ repeat: await client.repeatSettings() }, 'X server key repeat')
    return { client, text: createX11Text(client) }
  } catch (error) {
    logger.warn({ err: error }, 'no X11 connection for text: text is limited to US ASCII')
    return undefined
  }
}

/**
 * Joins the paired room as this computer's identity, announces this receiver, and injects what approved keypads
 * send. A `usage` error when the state dir holds no room (never paired).
 */
export async function startReceiverService(
  options: ServiceOptions,
): Promise<Result<ReceiverService, ProtocolError<'usage'>>> {
  const { logger, platform } = options
  const x11 = platform === 'linux' && options.driver === 'nut' ? await openX11Text(logger) : undefined
  const keyboard: Keyboard =
    options.driver === 'log'
      ? createLogKeyboard({ platform, human: options.humanOutput === true })
      : await createNutKeyboard({
          platform,
          logger: logger.child({ module: 'nut-keyboard' }),
          ...(x11 ? { typeText: x11.text.type, beforeKey: x11.text.beforeKey } : {}),
        })
  // A run that died with keys down (SIGKILL, a native crash) left them down: let them go before joining the room.
  const heldFile = openHeldFile(join(options.stateDir, HELD_FILE), logger.child({ module: 'held-file' }))
  const leftovers = heldFile.read()
  await releaseLeftovers(keyboard, leftovers.keys, platform, logger.child({ module: 'held-file' }))
  const pointer: Pointer =
    options.driver === 'log'
      ? createLogPointer({ human: options.humanOutput === true })
      : await createNutPointer({ platform })
  await releaseLeftoverButtons(pointer, leftovers.buttons, logger.child({ module: 'held-file' }))
  heldFile.write(NOTHING_HELD)
  const checkBlocked = () => checkInjectionBlocked({ platform, run: options.run })
  // The log driver prints, it does not inject: nothing can block it.
  let blocked = options.driver === 'nut' ? await checkBlocked() : undefined
  if (blocked) logger.warn({ blocked }, 'key injection is blocked; the keypad will show why')
  // What this platform refuses (both drivers refuse the same): the keypad greys those keys out.
  const cannot = refusedCodes(platform).map((refused) => refused.code)
  const caps = (): Capabilities => ({
    inject: true,
    pointer: true,
    platform,
    cannot,
    ...(blocked ? { blocked } : {}),
  })

  const room = joinDeviceRoom({
    configDir: options.stateDir,
    role: 'mac-receiver',
    name: deviceName(options.stateDir, options.name).slice(0, 64),
    caps: caps(),
    logger: logger.child({ module: 'devices' }),
  })
  if (!room) {
    await x11?.client.close().catch(() => undefined)
    // `run` checks the pairing first (pairedRoom): this is a caller that did not.
    return fail('usage', `${options.stateDir} holds no pairing: pair first`)
  }
  const roomLog = logger.child({ module: 'room' })
  room.on('state', (state) => roomLog.info({ state }, `room ${state}`))
  room.on('error', (error) => roomLog.warn(error, `relay error (${error.code}): ${error.message}`))
  // Bad input is dropped by the room-client and named here; the receiver carries on.
  room.on('reject', (rejection) =>
    roomLog.warn(rejection, `dropped a message (${rejection.reason}): ${rejection.message}`),
  )
  announcePeers(room, roomLog)
  room.on('peers', (peers) => roomLog.debug({ peers: peers.map((p) => `${p.role}:${p.name}`) }, 'peers'))

  const repeat = await readRepeatSettings(platform, options.run)
  logger.info(repeat, repeat.settings ? 'key repeat' : 'no key repeat by keyroom')
  const receiver = createReceiver({
    room,
    keyboard,
    pointer,
    logger: logger.child({ module: 'receiver' }),
    platform,
    ...(repeat.settings ? { repeat: repeat.settings } : {}),
    blocked: () => blocked,
    recordHeld: (held) => heldFile.write(held),
  })

  const watch =
    platform === 'darwin' && options.driver === 'nut'
      ? setInterval(async () => {
          const next = await checkBlocked()
          if (next === blocked) return
          blocked = next
          logger.info({ blocked: next ?? null }, next ? 'key injection blocked' : 'key injection unblocked')
          room.updateCapabilities(caps())
        }, options.blockedCheckMs ?? 5_000)
      : undefined
  watch?.unref()

  return ok({
    room,
    receiver,
    async stop(reason) {
      if (watch) clearInterval(watch)
      await receiver.close(reason)
      await room.close()
      if (x11) {
        await x11.text.restore().catch(() => undefined)
        await x11.client.close().catch(() => undefined)
      }
    },
  })
}
