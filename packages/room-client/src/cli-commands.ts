import {
  ButtonPhase,
  fail,
  isDroppable,
  isPointerAction,
  type KeyAction,
  KeyPhase,
  ok,
  type PointerAction,
  parseChordText,
  parseKeyAction,
  parseKeyName,
  parsePointerAction,
  type Result,
} from '@keyroom/key-events'
import {
  absentReceivers,
  type CliError,
  type CliErrorCode,
  type CliResult,
  defaultCliName,
  describePeer,
  type Output,
  openCliRoom,
  type PairedCli,
  pairedCli,
  trustedReceivers,
  verdictError,
  verdictLine,
} from './cli-device.js'
import type { DevicePeer, DeviceRoomConnection, TrustedPeer } from './device-types.js'
import { normalizeFingerprint } from './fingerprint-text.js'
import { fingerprint } from './identity.js'
import { createLeaseRenewer } from './leases.js'
import { DEVICE_KINDS, nobodyThere, parseTarget, type Target, targetMatches } from './targets.js'

export type { Output } from './cli-device.js'

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
  /** Where it goes: all (default), computer, pins, usb-keyboard, a receiver's name or its fingerprint. */
  to?: string
}

/** The longest `--hold`: ten minutes. */
const MAX_HOLD_MS = 600_000

const usage = (message: string, path = '') => fail('usage', message, path)

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

/**
 * Sends one action to this device's trusted receivers and waits, within `timeoutMs` in all, until every approved one
 * in the room has acknowledged it. Prints each receiver's verdict on stderr and one line per receiver on stdout;
 * fails naming whoever did not get it (a refusal by its reason: pending, revoked, not-permitted). With `hold`, the
 * key or button goes down, its lease is renewed for that long, then it goes up, each acknowledged.
 */
export async function send(
  options: { dir: string; timeoutMs: number; signal?: AbortSignal } & SendFlags,
  io: Output,
): Promise<CliResult> {
  const holdMs = options.hold === undefined ? undefined : parseHold(options)
  if (holdMs !== undefined && !holdMs.ok) return holdMs
  const action = actionFromFlags(holdMs === undefined ? options : { ...options, phase: 'down' })
  if (!action.ok) return fail('usage', action.error.message, action.error.path)
  const hold = holdMs === undefined ? undefined : holding(action.value)
  if (holdMs !== undefined && !hold) return fail('usage', `--hold cannot hold a ${action.value.type}`)
  const paired = pairedCli(options.dir)
  if (!paired.ok) return paired
  const to = options.to === undefined ? ok<Target>('all') : targetOfFlag(options.to, paired.value.trusted)
  if (!to.ok) return to
  const deadline = Date.now() + options.timeoutMs
  const opened = await openCliRoom(paired.value, options.timeoutMs)
  if (!opened.ok) return opened
  const room = opened.value
  try {
    const ready = await readyReceivers(room, paired.value, deadline, io)
    if (!ready.ok) return ready
    // The held key's up and renewals go where its press went: every message of this send has one target.
    const receivers = ready.value.filter((p) => targetMatches(to.value, p))
    if (receivers.length === 0)
      return fail('no-receiver', nobodyThere(to.value, isPointerAction(action.value)))
    const deliver = (sendable: KeyAction | PointerAction, by: number) =>
      deliverEverywhere(room, receivers, sendable, by, io, to.value)
    const first = await deliver(action.value, deadline)
    if (!first.ok || holdMs === undefined || !hold) return first
    const [held, up, renew] = hold
    const renewer = createLeaseRenewer<string>({ renew: () => void room.send(renew, to.value) })
    renewer.hold('cli', held)
    const started = Date.now()
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, holdMs.value)
      options.signal?.addEventListener('abort', done, { once: true })
      function done() {
        clearTimeout(timer)
        resolve()
      }
    })
    renewer.clear()
    const released = await deliver(up, Date.now() + options.timeoutMs)
    if (released.ok) io.err(`held ${held} for ${Date.now() - started} ms`)
    return released
  } finally {
    await room.close()
  }
}

/**
 * The trusted receivers in the room, each verdict printed; fails when none is here, or none has approved this device
 * (with the verdict's code: pending or revoked).
 */
async function readyReceivers(
  room: DeviceRoomConnection,
  paired: PairedCli,
  deadline: number,
  io: Output,
): Promise<CliResult<DevicePeer[]>> {
  const present = await trustedReceivers(room, paired.trusted, deadline)
  const self = { name: paired.store.name() ?? defaultCliName(), fingerprint: room.identity.fingerprint }
  for (const peer of present) {
    const line = verdictLine(peer, self)
    if (line) io.err(line)
  }
  const absent = absentReceivers(paired.trusted, present)
  if (absent.length > 0) io.err(`not in the room: ${absent.join(', ')}`)
  if (present.length === 0)
    return fail('no-receiver', `none of this device's receivers (${absent.join(', ')}) is in the room`)
  if (present.some((p) => p.status?.state === 'approved')) return ok(present)
  const refused = present.map(verdictError).find((e) => e !== undefined)
  return refused
    ? { ok: false, error: refused }
    : fail('no-receiver', `no receiver said whether it approves this device within the timeout`)
}

/**
 * `--to`: all, a kind (computer, pins, usb-keyboard), a fingerprint, or the name of one of this device's receivers
 * (names are the receivers' own and need not be unique: two with one name need the fingerprint).
 */
export function targetOfFlag(text: string, trusted: readonly TrustedPeer[]): CliResult<Target> {
  const word = text.trim()
  const given = parseTarget(word) ?? parseTarget(`kind:${word}`)
  if (given) return ok(given)
  const printed = normalizeFingerprint(word)
  if (printed) return ok<Target>(`device:${printed}`)
  const named = trusted.filter((t) => t.name?.toLowerCase() === word.toLowerCase())
  const only = named[0]
  if (named.length === 1 && only) return ok<Target>(`device:${fingerprint(only.key)}`)
  if (named.length > 1)
    return fail(
      'usage',
      `${named.length} of this device's receivers are named "${word}": give --to its fingerprint`,
    )
  return fail(
    'usage',
    `--to takes ${['all', ...DEVICE_KINDS].join(', ')}, a receiver's fingerprint or one of these names: ${trusted.map((t) => t.name ?? '(unnamed)').join(', ')} (got "${word}")`,
  )
}

/** `--hold <ms>`: with --key or --button and no --phase. */
function parseHold(flags: SendFlags): Result<number, CliError> {
  const ms = Number(flags.hold)
  if (!/^\d+$/.test(flags.hold ?? '') || ms < 1 || ms > MAX_HOLD_MS)
    return fail('usage', `--hold takes a time in ms from 1 to ${MAX_HOLD_MS}, got "${flags.hold}"`)
  if (flags.key === undefined && flags.button === undefined)
    return fail('usage', '--hold holds a --key or a --button')
  if (flags.phase !== undefined)
    return fail('usage', '--hold presses and releases by itself: leave out --phase')
  return ok(ms)
}

/** What a held action holds, the action that lets it go, and the renewal that keeps it held; a key or a button. */
function holding(
  action: KeyAction | PointerAction,
): [string, KeyAction | PointerAction, KeyAction] | undefined {
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
  return undefined
}

/** The exit-worthy reason of a receiver's refusal (its receipt's `lost` reason). */
const REFUSALS: ReadonlyMap<string, CliErrorCode> = new Map([
  ['not-approved', 'pending'],
  ['revoked', 'revoked'],
  ['not-permitted', 'not-permitted'],
])

/** Delivers one action and prints who got it; fails naming whoever did not. */
async function deliverEverywhere(
  room: DeviceRoomConnection,
  receivers: DevicePeer[],
  action: KeyAction | PointerAction,
  deadline: number,
  io: Output,
  to: Target,
): Promise<CliResult> {
  const offNotices = room.on('message', ({ from, body }) => {
    if (body.type !== 'notice' || body.level !== 'error') return
    const peer = receivers.find((p) => p.id === from)
    if (peer) io.err(`refused by ${describePeer(peer)}: ${body.code}: ${body.message}`)
  })
  const result = await room.deliver(action, Math.max(500, deadline - Date.now()), to)
  offNotices()
  if (!result.sent.ok) {
    return fail(
      'not-delivered',
      `the relay refused the message: ${result.sent.error.code}: ${result.sent.error.message}`,
    )
  }
  const name = (id: string) => {
    const peer = receivers.find((p) => p.id === id)
    return peer ? `${peer.name} (${peer.role})` : id
  }
  // Pointer actions go only to receivers that drive a pointer (connectDevice's rule).
  const approved = receivers.filter(
    (p) => p.status?.state === 'approved' && (!isPointerAction(action) || p.caps.pointer === true),
  )
  if (isDroppable(action)) {
    // Moves and scrolls are not acknowledged (a late one is worth nothing): sent is all that can be said.
    if (approved.length === 0) return fail('no-receiver', `no approved receiver here drives a pointer`)
    io.err(`sent ${action.type} to ${approved.length} receiver(s) (moves and scrolls are not acknowledged)`)
    return ok(undefined)
  }
  for (const id of result.delivered) io.out(`delivered to ${name(id)}`)
  for (const { peer, reason } of result.lost) io.out(`lost on ${name(peer)}: ${reason}`)
  for (const id of result.missing) io.out(`no receipt from ${name(id)}`)
  const failed = [
    ...result.lost.map((l) => `${name(l.peer)} refused it (${l.reason})`),
    ...result.missing.map((id) => `${name(id)} did not acknowledge it`),
  ]
  if (failed.length > 0) {
    const code = result.lost.map((l) => REFUSALS.get(l.reason)).find((c) => c !== undefined)
    return fail(code ?? 'not-delivered', `${action.type} not delivered everywhere: ${failed.join('; ')}`)
  }
  if (result.delivered.length === 0)
    return fail('no-receiver', `no approved receiver here takes a ${action.type}`)
  io.err(`sent ${action.type} to ${result.delivered.length} receiver(s)`)
  return ok(undefined)
}

/** Rejections that are part of handshakes crossing (renewals, simultaneous starts): shown by --verbose only. */
const HANDSHAKE_NOISE: ReadonlySet<string> = new Set(['unknown-handshake', 'unknown-session'])

/**
 * Prints what this device's receivers tell it (verdicts, notices) as JSON lines on stdout, each verdict in words on
 * stderr, and rejections on stderr, until `signal` aborts; with `all` (`--verbose`) also who comes and goes and the
 * rejections of crossing handshakes. (Upkeep such as hello, ping and receipts is handled inside the session.)
 */
export async function listen(
  options: { dir: string; timeoutMs: number; signal: AbortSignal; all: boolean },
  io: Output,
): Promise<CliResult> {
  const paired = pairedCli(options.dir)
  if (!paired.ok) return paired
  const opened = await openCliRoom(paired.value, options.timeoutMs)
  if (!opened.ok) return opened
  const room = opened.value
  const self = { name: paired.value.store.name() ?? defaultCliName(), fingerprint: room.identity.fingerprint }
  const said = new Map<string, string>()
  room.on('message', (message) => io.out(JSON.stringify(message)))
  const seen = new Set<string>()
  room.on('peers', (peers) => {
    for (const peer of peers) {
      if (options.all && !seen.has(peer.id)) io.err(`in the room: ${describePeer(peer)}`)
      seen.add(peer.id)
      const line = peer.trusted ? verdictLine(peer, self) : undefined
      if (!line || said.get(peer.id) === line) continue
      said.set(peer.id, line)
      io.err(line)
    }
  })
  room.on('peer-left', (peer) => {
    seen.delete(peer.id)
    if (options.all) io.err(`left the room: ${describePeer(peer)}`)
  })
  room.on('reject', (rejection) => {
    if (options.all || !HANDSHAKE_NOISE.has(rejection.reason))
      io.err(`rejected (${rejection.reason}): ${rejection.message}`)
  })
  room.on('state', (state) => io.err(`connection ${state}`))
  io.err('listening')
  await new Promise<void>((resolve) =>
    options.signal.addEventListener('abort', () => resolve(), { once: true }),
  )
  await room.close()
  return ok(undefined)
}
