import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { fail, fromBase64url, type Permissions, type Result, Role, toBase64url } from '@keyroom/key-events'
import { createPairingSecret } from './device-link.js'
import type { DeviceGate, DeviceInfo, DeviceState, GateDecision, TrustedPeer } from './device-types.js'
import { normalizeFingerprint } from './fingerprint-text.js'
import { createIdentity, type Identity } from './identity.js'

/** A device this receiver knows, as kept in its store. */
export interface StoredDevice {
  key: string
  fingerprint: string
  name: string
  role: Role
  state: DeviceState
  /** The verification code of this pair, shown while pending. */
  code: string
  /** When it got its state, ISO time, and how (`pairing-window`, `code`, `fingerprint`, `revoke`, `handshake`). */
  since: string
  via: string
  permissions?: Permissions
  admin?: boolean
}

export interface StoreFile {
  version: 2
  identity: string
  /** What this device calls itself in the room, as `pair --name` set it. */
  name?: string
  room?: { relay: string; room: string }
  pairing?: { secret: string; until: number; used: boolean }
  devices: StoredDevice[]
  trusted: Array<{ key: string; name?: string; pairingSecret?: string }>
}

/** Pending devices kept at most; the oldest go first. */
export const MAX_PENDING = 32

export const deviceStoreFile = (dir: string) => join(dir, 'devices.json')
export const auditLogFile = (dir: string) => join(dir, 'audit.log')

/**
 * Node only (`@keyroom/room-client/device-store`): a receiver's or agent's identity, room, pairing window, approved /
 * pending / revoked devices and the receivers it trusts, in one file of mode 0600. Every change is a synchronous
 * read-modify-write with an atomic rename, so the running service and a `devices approve` in another process do not
 * overwrite each other's changes.
 */
export function openDeviceStore(dir: string) {
  const file = deviceStoreFile(dir)
  const read = (): StoreFile => {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      const fresh: StoreFile = {
        version: 2,
        identity: toBase64url(createIdentity().secretKey),
        devices: [],
        trusted: [],
      }
      write(fresh)
      return fresh
    }
    const data = JSON.parse(text) as StoreFile
    if (data.version !== 2 || typeof data.identity !== 'string' || !Array.isArray(data.devices)) {
      throw new TypeError(`${file} is not a keyroom device store (version 2)`)
    }
    data.trusted ??= []
    return data
  }
  const write = (data: StoreFile) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const temp = `${file}.${process.pid}.tmp`
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 })
    // The umask can only take bits away, but an existing file keeps its mode: set it explicitly.
    chmodSync(temp, 0o600)
    renameSync(temp, file)
  }
  const update = <T>(change: (data: StoreFile) => T): T => {
    const data = read()
    const result = change(data)
    write(data)
    return result
  }

  const identity = (): Identity => {
    const secret = fromBase64url(read().identity)
    if (secret?.length !== 32) throw new TypeError(`${file}: the identity key is not 32 bytes`)
    return createIdentity(secret)
  }

  const decisionOf = (device: StoredDevice): GateDecision => ({
    state: device.state,
    ...(device.permissions ? { permissions: device.permissions } : {}),
    ...(device.admin ? { admin: true } : {}),
  })

  /** Finds a device by its code, fingerprint or name (`pick` says which of them count). */
  const find = (data: StoreFile, text: string, by: Array<'code' | 'fingerprint' | 'name'>) => {
    const fp = normalizeFingerprint(text)
    const matches = data.devices.filter(
      (d) =>
        (by.includes('fingerprint') && fp !== undefined && d.fingerprint === fp) ||
        (by.includes('code') &&
          /^\d{6}$/.test(text.replace(/\s/g, '')) &&
          d.code === text.replace(/\s/g, '') &&
          d.state === 'pending') ||
        (by.includes('name') && d.name === text),
    )
    return matches
  }
  /** The one device `revoke` and `setPermissions` act on: by fingerprint (any spelling) or exact name. */
  const findNamed = (data: StoreFile, text: string): Result<StoredDevice> => {
    const matches = find(data, text, ['fingerprint', 'name'])
    if (matches.length === 0)
      return fail('no-such-device', `no device is named or has the fingerprint "${text}"`)
    if (matches.length > 1)
      return fail('ambiguous', `"${text}" names ${matches.length} devices: use the fingerprint`)
    return { ok: true, value: matches[0] as StoredDevice }
  }

  return {
    file,
    identity,
    read,
    room: () => read().room,
    name: () => read().name,
    setName: (name: string) =>
      update((d) => {
        d.name = name
      }),
    trusted: (): TrustedPeer[] =>
      read().trusted.flatMap((t) => {
        const key = fromBase64url(t.key)
        if (key?.length !== 32) return []
        const secret = t.pairingSecret === undefined ? undefined : fromBase64url(t.pairingSecret)
        return [{ key, ...(t.name ? { name: t.name } : {}), ...(secret ? { pairingSecret: secret } : {}) }]
      }),
    setRoom: (room: { relay: string; room: string }) =>
      update((d) => {
        d.room = room
      }),
    trust: (peer: TrustedPeer) =>
      update((d) => {
        const key = toBase64url(peer.key)
        d.trusted = [
          ...d.trusted.filter((t) => t.key !== key),
          {
            key,
            ...(peer.name ? { name: peer.name } : {}),
            ...(peer.pairingSecret ? { pairingSecret: toBase64url(peer.pairingSecret) } : {}),
          },
        ]
      }),
    /** Keypads (the CLI): forgets every trusted receiver, when it moves to another room. */
    forgetTrusted: () =>
      update((d) => {
        d.trusted = []
      }),
    /** Opens a pairing window: a new single-use secret, valid for `seconds` from `now`. */
    openWindow(seconds: number, now = Date.now()): Uint8Array {
      const secret = createPairingSecret()
      update((d) => {
        d.pairing = { secret: toBase64url(secret), until: now + seconds * 1000, used: false }
      })
      return secret
    },
    devices: (): StoredDevice[] => read().devices,
    approve(text: string, now = Date.now()): Result<StoredDevice> {
      return update((d) => {
        const matches = find(d, text, ['code', 'fingerprint'])
        if (matches.length === 0)
          return fail(
            'no-such-device',
            `no pending device has code or fingerprint "${text}" (see devices list)`,
          )
        if (matches.length > 1)
          return fail('ambiguous', `"${text}" matches ${matches.length} devices: use the fingerprint`)
        const device = matches[0] as StoredDevice
        device.state = 'approved'
        device.since = new Date(now).toISOString()
        device.via = normalizeFingerprint(text) ? 'fingerprint' : 'code'
        return { ok: true, value: { ...device } }
      })
    },
    revoke(text: string, now = Date.now()): Result<StoredDevice> {
      return update((d) => {
        const found = findNamed(d, text)
        if (!found.ok) return found
        const device = found.value
        device.state = 'revoked'
        device.since = new Date(now).toISOString()
        device.via = 'revoke'
        return { ok: true, value: { ...device } }
      })
    },
    /**
     * Sets what a device may send (`null` clears it: everything again; `undefined` keeps it as it is), and whether it
     * may manage the others (`undefined` keeps that too). The device is found as `revoke` finds it: name or fingerprint.
     */
    setPermissions(
      text: string,
      permissions: Permissions | null | undefined,
      admin?: boolean,
    ): Result<StoredDevice> {
      return update((d) => {
        const found = findNamed(d, text)
        if (!found.ok) return found
        const device = found.value
        if (permissions) device.permissions = permissions
        else if (permissions === null) delete device.permissions
        if (admin === true) device.admin = true
        if (admin === false) delete device.admin
        return { ok: true, value: { ...device } }
      })
    },
    /**
     * The gate for connectDevice: a known device gets its stored state; a device proving the open window's secret
     * is approved (and the secret is used up); any other device is recorded as pending.
     */
    gate(now: () => number = Date.now): DeviceGate {
      return (info: DeviceInfo, provesSecret) =>
        update((d) => {
          const key = toBase64url(info.key)
          let device = d.devices.find((x) => x.key === key)
          const window = d.pairing
          const secret =
            window && !window.used && now() <= window.until ? fromBase64url(window.secret) : undefined
          if (device?.state === 'revoked') return decisionOf(device)
          if (provesSecret && secret && provesSecret(secret) && device?.state !== 'approved') {
            if (window) window.used = true
            device ??= newDevice(d, info, now())
            // The first device paired through a window may manage the others (from the keypad); see SECURITY.md.
            if (!d.devices.some((x) => x.admin && x.state === 'approved')) device.admin = true
            device.state = 'approved'
            device.since = new Date(now()).toISOString()
            device.via = 'pairing-window'
            return decisionOf(device)
          }
          if (device) {
            device.name = info.name
            return decisionOf(device)
          }
          return decisionOf(newDevice(d, info, now()))
        })
    },
  }
}

export type DeviceStore = ReturnType<typeof openDeviceStore>

function newDevice(data: StoreFile, info: DeviceInfo, now: number): StoredDevice {
  const device: StoredDevice = {
    key: toBase64url(info.key),
    fingerprint: info.fingerprint,
    name: info.name,
    role: Role.parse(info.role),
    state: 'pending',
    code: info.code,
    since: new Date(now).toISOString(),
    via: 'handshake',
  }
  data.devices.push(device)
  const pending = data.devices.filter((d) => d.state === 'pending')
  for (const old of pending.slice(0, Math.max(0, pending.length - MAX_PENDING))) {
    data.devices.splice(data.devices.indexOf(old), 1)
  }
  return device
}

/** One line of the audit log: who did what, never what text said. */
export interface AuditEntry {
  time: string
  device: string
  fingerprint: string
  /** `key`, `chord`, `text`, `refused`, `approved`, `revoked`… */
  action: string
  code?: string
  phase?: string
  modifiers?: string[]
  /** A text action's length in UTF-16 code units: its content is never written. */
  length?: number
  reason?: string
}

/** The audit log's size bound: past it, the older half goes (about 3,000 entries are kept). */
export const MAX_AUDIT_BYTES = 512 * 1024

/**
 * Appends one entry. It runs once per key action, so the bound is checked on the file's size (a stat), not by reading
 * it back; past the bound the newest half is kept, cut at a line boundary.
 */
export function appendAudit(dir: string, entry: AuditEntry): void {
  const file = auditLogFile(dir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
  if (statSync(file).size <= MAX_AUDIT_BYTES) return
  const text = readFileSync(file, 'utf8')
  const cut = text.indexOf('\n', text.length - MAX_AUDIT_BYTES / 2)
  writeFileSync(`${file}.tmp`, text.slice(cut + 1), { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
}

export function readAudit(dir: string): AuditEntry[] {
  let text = ''
  try {
    text = readFileSync(auditLogFile(dir), 'utf8')
  } catch {
    return []
  }
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as AuditEntry] : []
    } catch {
      return []
    }
  })
}
