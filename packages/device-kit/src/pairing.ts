import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import {
  createRoomId,
  type DeviceLink,
  formatDeviceLink,
  normalizeRelayUrl,
  renderQrTerminal,
} from '@keyroom/room-client'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { readLink } from '@keyroom/room-client/link-input'
import { pairingFile } from '@keyroom/room-client/pairing-store'
import type { PairCommand } from './cli.js'

/** A first pairing has ten minutes: long enough to find the phone, short enough that a leaked link soon dies. */
export const DEFAULT_WINDOW_SECONDS = 600

export interface PairOptions {
  /** The app's command name, for the hints it prints (`keyroom-receiver`). */
  tool: string
  configDir: string
  /** The name this device goes by when neither `--name` nor an earlier pairing gave one. */
  defaultName: string
  /** The product's own output (link, QR), to stdout. */
  out: (text: string) => void
  now?: () => number
}

/**
 * `pair`: a new room on `--relay`, the room of another device's link, or (neither given) the room this device is in;
 * then a pairing window of `--window` seconds and this device's link, with its QR code. Inside the window the first
 * device to prove the link's single-use secret is approved; any other waits as pending for `devices approve`.
 * A bad link or relay is a `usage` error.
 */
export async function pair(
  command: PairCommand,
  options: PairOptions,
): Promise<Result<DeviceLink, ProtocolError<'usage'>>> {
  const store = openDeviceStore(options.configDir)
  let room: { relay: string; room: string }
  if (command.link) {
    const read = await readLink(command.link)
    if (!read.ok) return read
    room = { relay: read.value.relay, room: read.value.room }
  } else if (command.relay) {
    try {
      room = { relay: normalizeRelayUrl(command.relay), room: createRoomId() }
    } catch (error) {
      return fail('usage', `relay "${command.relay}" is not usable: ${(error as Error).message}`)
    }
  } else {
    const stored = store.room()
    if (!stored)
      return fail(
        'usage',
        "pair needs --relay URL (or $KEYROOM_RELAY) or another device's link (--link-file PATH or --link -)",
      )
    room = stored
  }
  store.setRoom(room)
  const name = command.name ?? store.name() ?? options.defaultName
  store.setName(name)
  const seconds = command.windowSeconds ?? DEFAULT_WINDOW_SECONDS
  const identity = store.identity()
  const link: DeviceLink = {
    ...room,
    peer: identity.publicKey,
    name,
    pairingSecret: store.openWindow(seconds, options.now?.()),
  }
  const text = formatDeviceLink(link, command.keypad)
  const minutes = seconds >= 120 ? `${Math.round(seconds / 60)} minutes` : `${seconds} seconds`
  options.out(`${await renderQrTerminal(text)}\n${text}\n\n`)
  options.out(
    `Open the link (or scan the code) on the keypad within ${minutes}: the first device to use it is approved.\n` +
      `After that, a new device waits until you run: ${options.tool} devices approve <code>\n` +
      `This device's fingerprint: ${identity.fingerprint}. Start it with: ${options.tool}\n`,
  )
  return ok(link)
}

/** What a device calls itself without `--name` or a stored name: this computer's name, without macOS's `.local`. */
export const defaultDeviceName = (): string =>
  hostname()
    .replace(/\.local$/, '')
    .slice(0, 64)

/** The name this device joins its room with: `--name`, else the one `pair` stored, else this computer's name. */
export function deviceName(configDir: string, given?: string, fallback = defaultDeviceName()): string {
  return given ?? openDeviceStore(configDir).name() ?? fallback
}

/**
 * The room `run` joins, from the device store; a device that was never paired, or paired by a keyroom before
 * device approval (a pairing.json holding a room key), gets a `usage` error that says how to pair.
 */
export function pairedRoom(options: {
  tool: string
  configDir: string
}): Result<void, ProtocolError<'usage'>> {
  if (openDeviceStore(options.configDir).room()) return ok(undefined)
  if (existsSync(pairingFile(options.configDir)))
    return fail(
      'usage',
      `${pairingFile(options.configDir)} is from an older keyroom (one key for everyone): pair again with "${options.tool} pair --relay URL"`,
    )
  return fail('usage', `this device is not paired: run "${options.tool} pair --relay URL" first`)
}
