import { fail, type ProtocolError, type Result } from '@keyroom/key-events'
import {
  createRoom,
  formatPairingLink,
  parsePairingLink,
  type RoomLink,
  renderQrTerminal,
} from '@keyroom/room-client'
import { loadPairing, savePairing } from '@keyroom/room-client/pairing-store'

export interface PairOptions {
  /** The app's command name, for the hint it prints (`keyroom-receiver`). */
  tool: string
  configDir: string
  /** The product's own output (link, QR), to stdout. */
  out: (text: string) => void
}

/**
 * `pair`: take the given link (or create a room on `relay`), print the link with its QR code, store it. A bad link or
 * relay is a `usage` error.
 */
export async function pair(
  command: { relay?: string; link?: string; keypad?: string },
  options: PairOptions,
): Promise<Result<RoomLink, ProtocolError<'usage'>>> {
  let link: RoomLink
  if (command.link) {
    const parsed = parsePairingLink(command.link)
    if (!parsed.ok) return fail('usage', `bad link: ${parsed.error.message}`, parsed.error.path)
    link = parsed.value
  } else {
    try {
      link = createRoom(command.relay ?? '')
    } catch (error) {
      return fail('usage', `relay "${command.relay}" is not usable: ${(error as Error).message}`)
    }
  }
  const text = formatPairingLink(link, command.keypad)
  const file = await savePairing(options.configDir, link)
  options.out(`${await renderQrTerminal(text)}\n${text}\n\nOpen the link (or scan the code) on the keypad.\n`)
  options.out(`Saved the pairing to ${file}. Start it with: ${options.tool}\n`)
  return { ok: true, value: link }
}

/**
 * The room to join: the given link (from --link or $KEYROOM_LINK, already merged by the CLI), else the stored
 * pairing. A bad link and a missing pairing are `usage` errors that say how to pair.
 */
export async function resolveLink(
  given: string | undefined,
  options: { tool: string; configDir: string },
): Promise<Result<RoomLink, ProtocolError<'usage'>>> {
  if (given !== undefined) {
    const parsed = parsePairingLink(given)
    if (!parsed.ok) return fail('usage', `bad link: ${parsed.error.message}`, parsed.error.path)
    return parsed
  }
  const stored = await loadPairing(options.configDir, `${options.tool} pair`)
  return stored.ok ? stored : fail('usage', stored.error.message)
}
