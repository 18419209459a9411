// The room `pnpm start` keeps for its receiver, and the identity of its own readiness check.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_WINDOW_SECONDS, pair } from '@keyroom/device-kit'
import {
  createIdentity,
  type DeviceLink,
  fromBase64url,
  type Identity,
  toBase64url,
  verificationCode,
} from '@keyroom/room-client'
import { type DeviceStore, openDeviceStore } from '@keyroom/room-client/device-store'

/** What the readiness check is called in the receiver's device list. */
export const CHECK_NAME = 'pnpm start check'

/** The receiver's state dir under start's: its identity, room and approvals survive restarts. */
export const receiverDir = (startDir: string) => join(startDir, 'receiver')

/**
 * Pairs start's receiver for this run: its room is kept while the relay URL stays the same (a phone approved once
 * stays approved), a new room when it changes; either way a new pairing window of DEFAULT_WINDOW_SECONDS, so the
 * first device to open this run's link is approved.
 */
export async function pairStartReceiver(
  startDir: string,
  relayUrl: string,
  name: string,
): Promise<DeviceLink> {
  const configDir = receiverDir(startDir)
  const sameRelay = openDeviceStore(configDir).room()?.relay === relayUrl
  const paired = await pair(sameRelay ? { kind: 'pair', name } : { kind: 'pair', relay: relayUrl, name }, {
    tool: 'keyroom-receiver',
    configDir,
    defaultName: name,
    // start prints the link itself, once the receiver is up.
    out: () => {},
  })
  if (!paired.ok) throw new Error(paired.error.message)
  return paired.value
}

/**
 * The identity start's readiness check joins with, kept beside the receiver (mode 0600) and approved in its store as
 * view-only: it may see that the receiver is there and nothing more, and it never takes the phone's pairing window.
 */
export function checkIdentity(startDir: string): Identity {
  const file = join(startDir, 'check-identity')
  const kept = existsSync(file) ? fromBase64url(readFileSync(file, 'utf8').trim()) : undefined
  const identity = createIdentity(kept?.length === 32 ? kept : undefined)
  if (!kept) {
    mkdirSync(startDir, { recursive: true, mode: 0o700 })
    writeFileSync(file, `${toBase64url(identity.secretKey)}\n`, { mode: 0o600 })
  }
  admitViewOnly(openDeviceStore(receiverDir(startDir)), identity)
  return identity
}

function admitViewOnly(store: DeviceStore, identity: Identity): void {
  const known = store.devices().find((d) => d.fingerprint === identity.fingerprint)
  // Approved already, or revoked by the user: the check only needs a session, so either will do.
  if (known?.state === 'approved' || known?.state === 'revoked') return
  // Recorded as any new device is (pending, with its code), then approved by fingerprint as `devices approve` does.
  store.gate()({
    key: identity.publicKey,
    fingerprint: identity.fingerprint,
    name: CHECK_NAME,
    role: 'keypad',
    code: verificationCode(store.identity().publicKey, identity.publicKey),
  })
  const approved = store.approve(identity.fingerprint)
  if (!approved.ok) throw new Error(approved.error.message)
  store.setPermissions(identity.fingerprint, { viewOnly: true })
}

export { DEFAULT_WINDOW_SECONDS }
