import {
  ButtonPhase,
  type KeyAction,
  KeyPhase,
  type PointerAction,
  parseChordText,
  parseKeyAction,
  parseKeyName,
  parsePointerAction,
  type Result,
  type Role,
} from '@keyroom/key-events'
import { connectRoom } from './connect-room.js'
import { createLeaseRenewer } from './leases.js'
import { createRoom, formatPairingLink, parsePairingLink } from './pairing-link.js'
import { renderQrTerminal } from './qr.js'
import type { RoomConnection } from './types.js'

/** Where a command writes; the CLI passes process streams, tests pass buffers. */
export interface Output {
  out(line: string): void
  err(line: string): void
}

export class CliError extends Error {}

export async function roomNew(
  options: { relay: string; keypad?: string; qr: boolean; timeoutMs: number },
  io: Output,
) {
  let link: ReturnType<typeof createRoom>
  try {
    link = createRoom(options.relay)
  } catch {
    throw new CliError(`--relay "${options.relay}" is not an http(s) or ws(s) URL`)
  }
  // A link to a relay that does not answer would only fail later, on every device it is given to.
  const health = `${link.relay.replace(/\/$/, '')}/healthz`
  const answer = await fetch(health, { signal: AbortSignal.timeout(options.timeoutMs) }).then(
    (response) => (response.ok ? '' : `HTTP ${response.status}`),
    (error: unknown) =>
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error),
  )
  if (answer)
    throw new CliError(`the relay at ${link.relay} did not answer ${health} (${answer}); no link made`)
  const text = formatPairingLink(link, options.keypad)
  if (options.qr) io.out(await renderQrTerminal(text))
  io.out(text)
}

/** The flags `send` takes; exactly one of text, key, chord, move, click, scroll, button. */
export interface SendFlags {
  text?: string
  key?: string
  phase?: string
  chord?: string
  move?: string
  click?: string
  scroll?: string
  button?: string
  /** Hold the --key or --button down this many ms (leases renewed meanwhile), then release it. */
  hold?: string
}

/** The longest `--hold`: ten minutes. */
const MAX_HOLD_MS = 600_000

const usage = (message: string, path = ''): Result<never> => ({
  ok: false,
  error: { code: 'usage', message, path },
})

/** `<dx>,<dy>` as two integers (the schema checks the bounds). */
function parsePair(flag: string, text: string): Result<{ dx: number; dy: number }> {
  const match = /^\s*(-?\d+)\s*,\s*(-?\d+)\s*$/.exec(text)
  if (!match)
    return usage(`--${flag} takes <dx>,<dy> as two integers, e.g. --${flag} 40,-10 (got "${text}")`, flag)
  return { ok: true, value: { dx: Number(match[1]), dy: Number(match[2]) } }
}

/** Builds the one action `send` sends from its flags. */
export function actionFromFlags(flags: SendFlags): Result<KeyAction | PointerAction> {
  const given = [
    flags.text,
    flags.key,
    flags.chord,
    flags.move,
    flags.click,
    flags.scroll,
    flags.button,
  ].filter((f) => f !== undefined).length
  if (given !== 1)
    return usage('give exactly one of --text, --key, --chord, --move, --click, --scroll, --button')
  if (flags.move !== undefined || flags.scroll !== undefined) {
    const type = flags.move !== undefined ? 'move' : 'scroll'
    const pair = parsePair(type, flags.move ?? flags.scroll ?? '')
    return pair.ok ? parsePointerAction({ type, ...pair.value }) : pair
  }
  if (flags.click !== undefined)
    return parsePointerAction({ type: 'button', button: flags.click, phase: 'click' })
  if (flags.button !== undefined) {
    const phase = ButtonPhase.safeParse(flags.phase ?? 'click')
    if (!phase.success) return usage('--phase for a --button must be down, up or click', 'phase')
    return parsePointerAction({ type: 'button', button: flags.button, phase: phase.data })
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
    if (!phase.success) return usage('--phase must be down, up or tap', 'phase')
    const code = parseKeyName(flags.key)
    if (!code.ok) return code
    return parseKeyAction({ type: 'key', code: code.value, phase: phase.data })
  }
  return parseKeyAction({ type: 'text', text: flags.text })
}

/** Connects, waits for the join, or fails with the relay's reason within `timeoutMs`. */
export async function openRoom(
  linkText: string,
  role: Role,
  name: string,
  timeoutMs: number,
  extra: { receipts?: boolean } = {},
): Promise<RoomConnection> {
  const link = parsePairingLink(linkText)
  if (!link.ok) throw new CliError(`bad --link: ${link.error.message}`)
  const room = connectRoom({ link: link.value, role, name, ...extra })
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

/**
 * Sends one action and waits, within `timeoutMs` in all, until every receiver in the room (by the relay's member
 * count and verified presence) has acknowledged it. Prints one line per receiver; fails naming whoever did not get it.
 * With `hold`, the key or button goes down, its lease is renewed for that long, then it goes up, each acknowledged.
 */
export async function send(
  options: { link: string; timeoutMs: number; signal?: AbortSignal } & SendFlags,
  io: Output,
) {
  const holdMs = options.hold === undefined ? undefined : parseHold(options)
  const action = actionFromFlags(holdMs === undefined ? options : { ...options, phase: 'down' })
  if (!action.ok) throw new CliError(action.error.message)
  const deadline = Date.now() + options.timeoutMs
  const room = await openRoom(options.link, 'keypad', 'keyroom-cli', options.timeoutMs)
  try {
    const unknown = await waitForRoom(room, deadline)
    const receivers = room.peers().filter((peer) => peer.caps.receipts === true)
    if (receivers.length === 0) {
      throw new CliError(`no receiver in the room answered within ${options.timeoutMs} ms`)
    }
    const deliver = (sendable: KeyAction | PointerAction, by: number) =>
      deliverEverywhere(room, receivers, unknown, sendable, by, io)
    await deliver(action.value, deadline)
    if (holdMs === undefined) return
    const [held, up, renew] = holding(action.value)
    const renewer = createLeaseRenewer<string>({ renew: () => void room.send(renew) })
    renewer.hold('cli', held)
    const started = Date.now()
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, holdMs)
      options.signal?.addEventListener('abort', done, { once: true })
      function done() {
        clearTimeout(timer)
        resolve()
      }
    })
    renewer.clear()
    await deliver(up, Date.now() + options.timeoutMs)
    io.err(`held ${held} for ${Date.now() - started} ms`)
  } finally {
    await room.close()
  }
}

/** `--hold <ms>`: with --key or --button and no --phase. */
function parseHold(flags: SendFlags): number {
  const ms = Number(flags.hold)
  if (!/^\d+$/.test(flags.hold ?? '') || ms < 1 || ms > MAX_HOLD_MS)
    throw new CliError(`--hold takes a time in ms from 1 to ${MAX_HOLD_MS}, got "${flags.hold}"`)
  if (flags.key === undefined && flags.button === undefined)
    throw new CliError('--hold holds a --key or a --button')
  if (flags.phase !== undefined)
    throw new CliError('--hold presses and releases by itself: leave out --phase')
  return ms
}

/** What a held action holds, the action that lets it go, and the renewal that keeps it held. */
function holding(action: KeyAction | PointerAction): [string, KeyAction | PointerAction, KeyAction] {
  if (action.type === 'key') {
    return [
      action.code,
      { type: 'key', code: action.code, phase: 'up' },
      { type: 'renew', codes: [action.code] },
    ]
  }
  if (action.type === 'button') {
    return [
      `${action.button} button`,
      { type: 'button', button: action.button, phase: 'up' },
      { type: 'renew', codes: [], buttons: [action.button] },
    ]
  }
  throw new CliError(`--hold cannot hold a ${action.type}`)
}

/** Delivers one action and prints who got it; throws naming whoever did not. */
async function deliverEverywhere(
  room: RoomConnection,
  receivers: ReturnType<RoomConnection['peers']>,
  unknown: number,
  action: KeyAction | PointerAction,
  deadline: number,
  io: Output,
): Promise<void> {
  const result = await room.deliver(action, Math.max(500, deadline - Date.now()))
  if (!result.sent.ok) {
    throw new CliError(
      `the relay refused the message: ${result.sent.error.code}: ${result.sent.error.message}`,
    )
  }
  const name = (id: string) => {
    const peer = receivers.find((p) => p.id === id)
    return peer ? `${peer.name} (${peer.role})` : id
  }
  for (const id of result.delivered) io.out(`delivered to ${name(id)}`)
  for (const { peer, reason } of result.lost) io.out(`lost on ${name(peer)}: ${reason}`)
  for (const id of result.missing) io.out(`no receipt from ${name(id)}`)
  const failed = [
    ...result.lost.map((l) => `${name(l.peer)} dropped it (${l.reason})`),
    ...result.missing.map((id) => `${name(id)} did not acknowledge it`),
    ...(unknown > 0 ? [`${unknown} member(s) of the room never said who they are`] : []),
  ]
  if (failed.length > 0) throw new CliError(`${action.type} not delivered everywhere: ${failed.join('; ')}`)
  io.err(`sent ${action.type} to ${result.delivered.length} receiver(s)`)
}

/**
 * Waits until every other member the relay counts has said who it is, or the deadline; resolves with how many are
 * still unknown then.
 */
async function waitForRoom(room: RoomConnection, deadline: number): Promise<number> {
  const unknown = () => Math.max(0, room.members() - 1 - room.peers().length)
  const settled = () => room.members() > 0 && unknown() === 0 && room.peers().length > 0
  if (settled()) return 0
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()))
    const offs = [room.on('peers', check), room.on('members', check)]
    function check() {
      if (settled()) done()
    }
    function done() {
      clearTimeout(timer)
      for (const off of offs) off()
      resolve()
    }
  })
  return unknown()
}

/** The room's own upkeep (greetings, liveness, receipts, lease renewals): shown by `listen --verbose` only. */
const HOUSEKEEPING: ReadonlySet<string> = new Set(['hello', 'ping', 'pong', 'receipt', 'renew'])

/**
 * Prints verified messages as JSON lines on stdout and rejections on stderr until `signal` aborts; the handshake and
 * upkeep only with `all` (`--verbose`).
 */
export async function listen(
  options: { link: string; timeoutMs: number; signal: AbortSignal; all: boolean },
  io: Output,
) {
  // A listener acknowledges what it hears, so `send` to a room with only a listener works.
  const room = await openRoom(options.link, 'keypad', 'keyroom-listen', options.timeoutMs, { receipts: true })
  room.on('message', (message) => {
    if (options.all || !HOUSEKEEPING.has(message.body.type)) io.out(JSON.stringify(message))
  })
  room.on('reject', (rejection) => {
    // A sender's first messages wait for its answer to this session's challenge: part of the handshake.
    if (options.all || rejection.reason !== 'unverified')
      io.err(`rejected (${rejection.reason}): ${rejection.message}`)
  })
  room.on('state', (state) => io.err(`connection ${state}`))
  io.err('listening')
  await new Promise<void>((resolve) =>
    options.signal.addEventListener('abort', () => resolve(), { once: true }),
  )
  await room.close()
}
