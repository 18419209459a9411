import { fail, LinkField, type Result } from '@keyroom/key-events'
import {
  type DeviceLink,
  fromBase64url,
  parseDeviceLink,
  type TrustedPeer,
  toBase64url,
} from '@keyroom/room-client'
import { type KeyValueStore, readJson, writeJson } from './storage.js'

/** A receiver this phone opened a link of: it sends key actions to it, and only to such receivers. */
export interface StoredReceiver {
  name: string
  /** Its identity public key, base64url. */
  key: string
  /** The link's single-use pairing secret, base64url, kept only until the receiver approves this phone. */
  pairingSecret?: string
}

/** A room this phone has joined, as kept in localStorage: no secret that outlives a pairing. */
export interface StoredRoom {
  relay: string
  room: string
  receivers: StoredReceiver[]
  /** What the user calls it; defaults to the relay's host. */
  label: string
  lastUsedAt: number
}

/** What the session joins a stored room with: the first receiver's link, and the others to trust beside it. */
export interface RoomJoin {
  link: DeviceLink
  trusted: TrustedPeer[]
}

export const ROOMS_STORAGE_KEY = 'keyroom.rooms.v2'
/** Where an older keyroom kept rooms with their room keys: removed on load, so no such key stays on the phone. */
export const OLDER_ROOMS_STORAGE_KEY = 'keyroom.rooms.v1'
export const MAX_STORED_ROOMS = 10
/** A room has a handful of receivers; a link flood cannot grow one without bound. */
export const MAX_RECEIVERS_PER_ROOM = 8

const NAMES_A_ROOM_LINK = new RegExp(`(^|&)(${[LinkField.relay, LinkField.room].join('|')})=`)

/**
 * The pairing link in a page's fragment (`#v=2&relay=…&room=…&peer=…`), if there is one. A link must name the
 * receiver it introduces: a keypad types only into receivers whose key came in a link.
 */
export function linkFromHash(hash: string): Result<DeviceLink> | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  if (!NAMES_A_ROOM_LINK.test(fragment)) return undefined
  return parseReceiverLink(fragment)
}

/** A link as a person pastes or scans it, whole or its fragment. */
export function parseReceiverLink(text: string): Result<DeviceLink> {
  const parsed = parseDeviceLink(text.trim())
  if (!parsed.ok) return parsed
  if (!parsed.value.peer)
    return fail(
      'invalid-link',
      'this link names no receiver (no peer): open the link a receiver printed',
      'peer',
    )
  return parsed
}

const receiverOf = (link: DeviceLink): StoredReceiver => ({
  name: link.name ?? 'receiver',
  key: toBase64url(link.peer ?? new Uint8Array()),
  ...(link.pairingSecret ? { pairingSecret: toBase64url(link.pairingSecret) } : {}),
})

/**
 * Puts the link's room first (used now). A link to a room already kept adds its receiver (a Mac and a Pi in one
 * room) or refreshes it (a new pairing secret); the room keeps its label.
 */
export function rememberLink(
  rooms: readonly StoredRoom[],
  link: DeviceLink,
  now: number,
  label?: string,
): StoredRoom[] {
  const known = rooms.find((r) => r.relay === link.relay && r.room === link.room)
  const receiver = receiverOf(link)
  const kept = known?.receivers ?? []
  const receivers = kept.some((r) => r.key === receiver.key)
    ? kept.map((r) => (r.key === receiver.key ? receiver : r))
    : [...kept, receiver].slice(-MAX_RECEIVERS_PER_ROOM)
  const entry: StoredRoom = {
    relay: link.relay,
    room: link.room,
    receivers,
    label: label ?? known?.label ?? hostOf(link.relay),
    lastUsedAt: now,
  }
  return [entry, ...rooms.filter((r) => r !== known)].slice(0, MAX_STORED_ROOMS)
}

/** Puts a kept room first, as used now. */
export const roomUsedNow = (rooms: readonly StoredRoom[], room: StoredRoom, now: number): StoredRoom[] => [
  { ...room, lastUsedAt: now },
  ...rooms.filter((r) => r !== room),
]

/** How to join a stored room; undefined when the entry no longer makes a valid link. */
export function joinOf(stored: StoredRoom): RoomJoin | undefined {
  const peers = stored.receivers.flatMap((r): TrustedPeer[] => {
    const key = fromBase64url(r.key)
    if (key?.length !== 32) return []
    const secret = r.pairingSecret === undefined ? undefined : fromBase64url(r.pairingSecret)
    return [{ key, name: r.name, ...(secret ? { pairingSecret: secret } : {}) }]
  })
  const [first, ...trusted] = peers
  if (!first) return undefined
  const params = new URLSearchParams({
    [LinkField.version]: '2',
    [LinkField.relay]: stored.relay,
    [LinkField.room]: stored.room,
    [LinkField.peer]: toBase64url(first.key),
  })
  const parsed = parseDeviceLink(params.toString())
  if (!parsed.ok) return undefined
  const link: DeviceLink = {
    ...parsed.value,
    ...(first.name ? { name: first.name } : {}),
    ...(first.pairingSecret ? { pairingSecret: first.pairingSecret } : {}),
  }
  return { link, trusted }
}

/**
 * The rooms with the pairing secrets of these receivers (identity keys, base64url) dropped, once they approved this
 * phone: the link left in browser history or a chat is then worth nothing. The same array when nothing changed.
 */
export function dropSecrets(rooms: StoredRoom[], room: string, approved: readonly string[]): StoredRoom[] {
  let changed = false
  const next = rooms.map((r) => {
    if (r.room !== room || !r.receivers.some((x) => x.pairingSecret && approved.includes(x.key))) return r
    changed = true
    return {
      ...r,
      receivers: r.receivers.map(({ pairingSecret, ...rest }) =>
        approved.includes(rest.key) ? rest : { ...rest, ...(pairingSecret ? { pairingSecret } : {}) },
      ),
    }
  })
  return changed ? next : rooms
}

/** Stored rooms, most recently used first; entries that do not make a link are dropped (storage is untrusted). */
export function loadRooms(store: KeyValueStore): StoredRoom[] {
  try {
    store.removeItem(OLDER_ROOMS_STORAGE_KEY)
  } catch {
    // storage refuses (private mode): nothing was kept there either
  }
  const saved = readJson(store, ROOMS_STORAGE_KEY)
  if (!Array.isArray(saved)) return []
  return saved
    .filter(isStoredRoom)
    .filter((r) => joinOf(r) !== undefined)
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
    .slice(0, MAX_STORED_ROOMS)
}

export const saveRooms = (store: KeyValueStore, rooms: readonly StoredRoom[]): boolean =>
  writeJson(store, ROOMS_STORAGE_KEY, rooms.slice(0, MAX_STORED_ROOMS))

export const forgetRoom = (rooms: readonly StoredRoom[], room: string): StoredRoom[] =>
  rooms.filter((r) => r.room !== room)

function isStoredRoom(value: unknown): value is StoredRoom {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.relay === 'string' &&
    typeof r.room === 'string' &&
    typeof r.label === 'string' &&
    typeof r.lastUsedAt === 'number' &&
    Array.isArray(r.receivers) &&
    r.receivers.length <= MAX_RECEIVERS_PER_ROOM &&
    r.receivers.every(
      (x: unknown) =>
        typeof x === 'object' &&
        x !== null &&
        typeof (x as StoredReceiver).name === 'string' &&
        typeof (x as StoredReceiver).key === 'string' &&
        ((x as StoredReceiver).pairingSecret === undefined ||
          typeof (x as StoredReceiver).pairingSecret === 'string'),
    )
  )
}

export function hostOf(relay: string): string {
  try {
    return new URL(relay).host
  } catch {
    return relay
  }
}
