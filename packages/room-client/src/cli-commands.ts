import {
  type KeyAction,
  KeyPhase,
  parseChordText,
  parseKeyAction,
  type Result,
  type Role,
} from '@keyroom/key-events'
import { connectRoom } from './connect-room.js'
import { createRoom, formatPairingLink, parsePairingLink } from './pairing-link.js'
import { renderQrTerminal } from './qr.js'
import type { RoomConnection } from './types.js'

/** Where a command writes; the CLI passes process streams, tests pass buffers. */
export interface Output {
  out(line: string): void
  err(line: string): void
}

export class CliError extends Error {}

export async function roomNew(options: { relay: string; keypad?: string; qr: boolean }, io: Output) {
  let link: ReturnType<typeof createRoom>
  try {
    link = createRoom(options.relay)
  } catch {
    throw new CliError(`--relay "${options.relay}" is not an http(s) or ws(s) URL`)
  }
  const text = formatPairingLink(link, options.keypad)
  if (options.qr) io.out(await renderQrTerminal(text))
  io.out(text)
}

/** Builds the one action `send` sends from its flags. */
export function actionFromFlags(flags: {
  text?: string
  key?: string
  phase?: string
  chord?: string
}): Result<KeyAction> {
  const given = [flags.text, flags.key, flags.chord].filter((f) => f !== undefined).length
  if (given !== 1) {
    return {
      ok: false,
      error: { code: 'usage', message: 'give exactly one of --text, --key, --chord', path: '' },
    }
  }
  if (flags.chord !== undefined) {
    const chord = parseChordText(flags.chord)
    if (!chord.ok) return chord
    if (chord.value.modifiers.length === 0)
      return parseKeyAction({ type: 'key', code: chord.value.code, phase: 'tap' })
    return parseKeyAction({ type: 'chord', ...chord.value })
  }
  if (flags.key !== undefined) {
    const phase = KeyPhase.safeParse(flags.phase ?? 'tap')
    if (!phase.success) {
      return {
        ok: false,
        error: { code: 'usage', message: '--phase must be down, up or tap', path: 'phase' },
      }
    }
    return parseKeyAction({ type: 'key', code: flags.key, phase: phase.data })
  }
  return parseKeyAction({ type: 'text', text: flags.text })
}

/** Connects, waits for the join, or fails with the relay's reason within `timeoutMs`. */
export async function openRoom(
  linkText: string,
  role: Role,
  name: string,
  timeoutMs: number,
): Promise<RoomConnection> {
  const link = parsePairingLink(linkText)
  if (!link.ok) throw new CliError(`bad --link: ${link.error.message}`)
  const room = connectRoom({ link: link.value, role, name })
  let lastError = 'no answer'
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CliError(`cannot reach relay ${link.value.relay}: ${lastError}`)),
        timeoutMs,
      )
      room.on('error', (e) => {
        lastError = e.message
      })
      room.on('state', (state) => {
        if (state !== 'connected') return
        clearTimeout(timer)
        resolve()
      })
    })
  } catch (error) {
    await room.close()
    throw error
  }
  return room
}

export async function send(
  options: { link: string; timeoutMs: number; text?: string; key?: string; phase?: string; chord?: string },
  io: Output,
) {
  const action = actionFromFlags(options)
  if (!action.ok) throw new CliError(action.error.message)
  const room = await openRoom(options.link, 'keypad', 'keyroom-cli', options.timeoutMs)
  try {
    // Receivers take messages only from peers that answered their challenge: wait until one has verified us.
    await waitForReceiver(room, options.timeoutMs)
    const ack = await room.send(action.value)
    if (!ack.ok) throw new CliError(`the relay refused the message: ${ack.error.code}: ${ack.error.message}`)
    io.err(`sent ${action.value.type}`)
  } finally {
    await room.close()
  }
}

async function waitForReceiver(room: RoomConnection, timeoutMs: number): Promise<void> {
  const hasReceiver = () => room.peers().some((peer) => peer.role !== 'keypad')
  if (hasReceiver()) return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CliError(`no receiver in the room answered within ${timeoutMs} ms`)),
      timeoutMs,
    )
    room.on('peers', () => {
      if (!hasReceiver()) return
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Prints verified messages as JSON lines on stdout and rejections on stderr until `signal` aborts. */
export async function listen(options: { link: string; timeoutMs: number; signal: AbortSignal }, io: Output) {
  const room = await openRoom(options.link, 'keypad', 'keyroom-listen', options.timeoutMs)
  room.on('message', (message) => io.out(JSON.stringify(message)))
  room.on('reject', (rejection) => io.err(`rejected (${rejection.reason}): ${rejection.message}`))
  room.on('state', (state) => io.err(`connection ${state}`))
  io.err('listening')
  await new Promise<void>((resolve) =>
    options.signal.addEventListener('abort', () => resolve(), { once: true }),
  )
  await room.close()
}
