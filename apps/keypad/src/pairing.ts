import { LinkField, type Result, ROOM_LINK_FIELDS } from '@keyroom/key-events'
import { fromBase64url, parsePairingLink, type RoomLink, toBase64url } from '@keyroom/room-client'
import { type KeyValueStore, readJson, writeJson } from './storage.js'

/** A room this phone has paired with, as kept in localStorage. */
export interface StoredRoom {
  relay: string
  room: string
  /** Room key, base64url. */
  key: string
  /** What the user calls it; defaults to the relay's host. */
  label: string
  lastUsedAt: number
}

export const ROOMS_STORAGE_KEY = 'keyroom.rooms.v1'
export const MAX_STORED_ROOMS = 10

const NAMES_A_ROOM_LINK = new RegExp(`(^|&)(${ROOM_LINK_FIELDS.join('|')})=`)

/** The pairing link in a page's fragment (`#relay=…&room=…&key=…`), if there is one. */
export function linkFromHash(hash: string): Result<RoomLink> | undefined {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  if (!NAMES_A_ROOM_LINK.test(fragment)) return undefined
  return parsePairingLink(fragment)
}

export const toStoredRoom = (link: RoomLink, now: number, label = hostOf(link.relay)): StoredRoom => ({
  relay: link.relay,
  room: link.room,
  key: toBase64url(link.key),
  label,
  lastUsedAt: now,
})

/** Back to a RoomLink; undefined when the stored entry no longer makes a valid link. */
export function toRoomLink(stored: StoredRoom): RoomLink | undefined {
  const params = new URLSearchParams({
    [LinkField.relay]: stored.relay,
    [LinkField.room]: stored.room,
    [LinkField.key]: stored.key,
  })
  const parsed = parsePairingLink(params.toString())
  return parsed.ok ? parsed.value : undefined
}

/** Stored rooms, most recently used first; entries that do not parse are dropped. */
export function loadRooms(store: KeyValueStore): StoredRoom[] {
  const saved = readJson(store, ROOMS_STORAGE_KEY)
  if (!Array.isArray(saved)) return []
  return saved
    .filter(isStoredRoom)
    .filter((r) => toRoomLink(r) !== undefined)
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
    .slice(0, MAX_STORED_ROOMS)
}

export const saveRooms = (store: KeyValueStore, rooms: readonly StoredRoom[]): boolean =>
  writeJson(store, ROOMS_STORAGE_KEY, rooms.slice(0, MAX_STORED_ROOMS))

/** Puts a room first (used now), replacing an older entry for the same room id and keeping its label. */
export function rememberRoom(rooms: readonly StoredRoom[], link: RoomLink, now: number): StoredRoom[] {
  const known = rooms.find((r) => r.room === link.room)
  const entry = toStoredRoom(link, now, known?.label)
  return [entry, ...rooms.filter((r) => r.room !== link.room)].slice(0, MAX_STORED_ROOMS)
}

export const forgetRoom = (rooms: readonly StoredRoom[], room: string): StoredRoom[] =>
  rooms.filter((r) => r.room !== room)

function isStoredRoom(value: unknown): value is StoredRoom {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.relay === 'string' &&
    typeof r.room === 'string' &&
    typeof r.key === 'string' &&
    typeof r.label === 'string' &&
    typeof r.lastUsedAt === 'number' &&
    fromBase64url(r.key) !== undefined
  )
}

export function hostOf(relay: string): string {
  try {
    return new URL(relay).host
  } catch {
    return relay
  }
}
