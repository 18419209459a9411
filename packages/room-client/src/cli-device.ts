import { hostname } from 'node:os'
import { join } from 'node:path'
import { fail, fromBase64url, ok, type ProtocolError, type Result, type Role } from '@keyroom/key-events'
import { equalBytes } from '@noble/ciphers/utils.js'
import { connectDevice } from './connect-device.js'
import { type DeviceStore, openDeviceStore } from './device-store.js'
import type { DevicePeer, DeviceRoomConnection, TrustedPeer } from './device-types.js'
import { configDir } from './pairing-store.js'

/**
 * Why a `keyroom` command failed; `main` alone turns the code into an exit code: `usage` (a flag, a link, not paired)
 * 2, `pending` (a receiver has not approved this device yet) 3, `revoked` 4, `not-permitted` 5, the rest 1.
 */
export type CliErrorCode =
  | 'usage'
  | 'unreachable'
  | 'no-receiver'
  | 'not-delivered'
  | 'pending'
  | 'revoked'
  | 'not-permitted'
export type CliError = ProtocolError<CliErrorCode>
export type CliResult<T = void> = Result<T, CliError>

/** Where a command writes; the CLI passes process streams, tests pass buffers. */
export interface Output {
  out(line: string): void
  err(line: string): void
}

/**
 * The CLI's own device store: `cli/` in the keyroom config dir the receivers use (KEYROOM_CONFIG_DIR, else the
 * platform's), so a receiver on the same computer never shares its identity or its devices with the CLI.
 */
export const cliDeviceDir = (env: NodeJS.ProcessEnv = process.env): string => join(configDir({ env }), 'cli')

/** What the CLI calls itself on receivers until `pair --name` says otherwise. */
export const defaultCliName = (): string => `keyroom-cli@${hostname().replace(/\.local$/, '')}`.slice(0, 64)

/** The command that manages a receiver's devices, for the hints printed with its verdicts. */
const TOOLS: ReadonlyMap<Role, string> = new Map([
  ['mac-receiver', 'keyroom-receiver'],
  ['pi-agent', 'keyroom-pi'],
  ['keypad', 'the admin keypad'],
])

export const NOT_PAIRED =
  "this computer's keyroom CLI is not paired: run `keyroom-receiver pair --relay URL` (or `keyroom-pi pair`) on the receiver, then open its link here with `keyroom pair --link-file PATH`"

/** The CLI's device store, its room and the receivers it trusts there. */
export interface PairedCli {
  store: DeviceStore
  room: { relay: string; room: string }
  trusted: TrustedPeer[]
}

/** The CLI's store, room and trusted receivers, or `usage` when it was never paired. */
export function pairedCli(dir: string): CliResult<PairedCli> {
  const store = openDeviceStore(dir)
  const room = store.room()
  const trusted = store.trusted()
  if (!room || trusted.length === 0) return fail('usage', NOT_PAIRED)
  return ok({ store, room, trusted })
}

const isTrusted = (trusted: TrustedPeer[], peer: DevicePeer) => {
  const key = fromBase64url(peer.key)
  return key !== undefined && trusted.some((t) => equalBytes(t.key, key))
}

/** "Mac (mac-receiver, 7XQ4-M2KD-9FHR-0WCE)" */
export const describePeer = (peer: Pick<DevicePeer, 'name' | 'role' | 'fingerprint'>) =>
  `${peer.name} (${peer.role}, ${peer.fingerprint})`

/** A receiver's verdict on this device in words, with what to do about it; undefined before it said one. */
export function verdictLine(
  peer: DevicePeer,
  self: { name: string; fingerprint: string },
): string | undefined {
  const status = peer.status
  if (!status) return undefined
  const tool = TOOLS.get(peer.role) ?? 'the receiver'
  switch (status.state) {
    case 'approved':
      return `approved by ${describePeer(peer)}${status.admin ? ' (and may manage its devices)' : ''}`
    case 'pending': {
      const code = status.code ?? peer.code
      return `pending on ${describePeer(peer)}: it shows the code ${code} for ${self.name}; approve it there with: ${tool} devices approve ${code}`
    }
    case 'revoked':
      return `revoked by ${describePeer(peer)}: it refuses everything from this device (its owner can approve it again: ${tool} devices approve ${self.fingerprint})`
  }
}

/** The error a receiver's verdict makes of a command that needs it approved. */
export function verdictError(peer: DevicePeer): CliError | undefined {
  const state = peer.status?.state
  if (state === 'pending')
    return { code: 'pending', message: `${peer.name} has not approved this device yet`, path: '' }
  if (state === 'revoked')
    return { code: 'revoked', message: `${peer.name} has revoked this device`, path: '' }
  return undefined
}

/**
 * Joins the CLI's room as a keypad with its stored identity, sending key actions to its trusted receivers only; fails
 * with the relay's reason within `timeoutMs`. Once a receiver answered a pairing proof (any verdict), the stored
 * pairing secret is dropped: it is single-use, and a secret on disk is worth nothing but a risk.
 */
export async function openCliRoom(
  paired: PairedCli,
  timeoutMs: number,
): Promise<CliResult<DeviceRoomConnection>> {
  const { store, room: link, trusted } = paired
  const room = connectDevice({
    link,
    identity: store.identity(),
    trusted,
    role: 'keypad',
    name: store.name() ?? defaultCliName(),
  })
  room.on('peers', (peers) => {
    for (const peer of peers) {
      if (!peer.status) continue
      const key = fromBase64url(peer.key)
      const kept = key && store.trusted().find((t) => equalBytes(t.key, key))
      if (kept?.pairingSecret) store.trust({ key: kept.key, ...(kept.name ? { name: kept.name } : {}) })
    }
  })
  let lastError = 'no answer'
  const connected = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    room.on('error', (e) => {
      lastError = e.message
    })
    room.on('state', (state) => {
      if (state !== 'connected') return
      clearTimeout(timer)
      resolve(true)
    })
  })
  if (connected) return ok(room)
  await room.close()
  return fail('unreachable', `cannot reach relay ${link.relay}: ${lastError}`)
}

/**
 * Waits until every trusted receiver in the room has said its verdict on this device, or the deadline. A receiver is
 * taken as absent once every member the relay counts has finished its handshake without it. Resolves with the
 * trusted receivers present.
 */
export async function trustedReceivers(
  room: DeviceRoomConnection,
  trusted: TrustedPeer[],
  deadline: number,
): Promise<DevicePeer[]> {
  const present = () => room.peers().filter((p) => isTrusted(trusted, p))
  const settled = () => {
    const here = present()
    if (here.some((p) => !p.status)) return false
    if (here.length === trusted.length) return true
    return room.members() > 0 && room.peers().length >= room.members() - 1
  }
  if (!settled()) {
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
  }
  return present()
}

/** The trusted receivers that are not in the room, by name. */
export const absentReceivers = (trusted: TrustedPeer[], present: DevicePeer[]): string[] =>
  trusted
    .filter((t) => !present.some((p) => equalBytes(fromBase64url(p.key) ?? new Uint8Array(), t.key)))
    .map((t) => t.name ?? 'a receiver')
