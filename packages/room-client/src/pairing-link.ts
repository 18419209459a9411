import {
  fail,
  fromBase64url,
  isCredentialedRoom,
  LinkField,
  MAX_LINK_CHARS,
  type Result,
  ROOM_ID_BYTES,
  ROOM_KEY_BYTES,
  roomCredential,
  toBase64url,
} from '@keyroom/key-events'
import { randomBytes } from '@noble/ciphers/utils.js'
import { normalizeRelayUrl } from './device-link.js'
import type { RoomLink } from './types.js'

/**
 * A new room: a random 256-bit key, and the credentialed room id derived from it (`k1.` + the public key of its
 * join credential), so that only holders of the key can join it on the relay.
 */
export function createRoom(relay: string): RoomLink {
  const key = randomBytes(ROOM_KEY_BYTES)
  return { relay: normalizeRelayUrl(relay), room: roomCredential(key).room, key }
}

/**
 * The pairing link: `<keypadUrl>#relay=<url>&room=<id>&key=<base64url>`. Everything that matters is in the fragment,
 * which browsers never send to a server. @default keypadUrl the relay URL (the relay serves the keypad)
 */
export function formatPairingLink(link: RoomLink, keypadUrl: string = link.relay): string {
  const base = keypadUrl.split('#')[0] ?? keypadUrl
  const params = new URLSearchParams({
    [LinkField.relay]: link.relay,
    [LinkField.room]: link.room,
    [LinkField.key]: toBase64url(link.key),
  })
  return `${base.endsWith('/') ? base : `${base}/`}#${params.toString()}`
}

/** Parses a pairing link, or just its fragment; every way it can be broken has its own message. */
export function parsePairingLink(text: string): Result<RoomLink> {
  if (typeof text !== 'string' || text.length === 0)
    return fail('invalid-link', 'the pairing link is empty', '')
  if (text.length > MAX_LINK_CHARS)
    return fail('invalid-link', `the pairing link is longer than ${MAX_LINK_CHARS} characters`, '')
  const hash = text.indexOf('#')
  const fragment = hash >= 0 ? text.slice(hash + 1) : text
  const params = new URLSearchParams(fragment)
  const relay = params.get(LinkField.relay)
  const room = params.get(LinkField.room)
  const key = params.get(LinkField.key)
  if (!relay) return fail('invalid-link', 'the pairing link has no relay= in its fragment', 'relay')
  if (!room) return fail('invalid-link', 'the pairing link has no room= in its fragment', 'room')
  if (!key) return fail('invalid-link', 'the pairing link has no key= in its fragment', 'key')
  let relayUrl: string
  try {
    relayUrl = normalizeRelayUrl(relay)
  } catch {
    return fail('invalid-link', `relay "${relay}" is not an http(s) or ws(s) URL`, 'relay')
  }
  const credentialed = isCredentialedRoom(room)
  if (!credentialed && fromBase64url(room)?.length !== ROOM_ID_BYTES) {
    return fail(
      'invalid-link',
      `room must be k1. and 43 base64url characters, or ${ROOM_ID_BYTES} bytes of base64url (a room made before join credentials)`,
      'room',
    )
  }
  const keyBytes = fromBase64url(key)
  if (keyBytes?.length !== ROOM_KEY_BYTES) {
    return fail('invalid-link', `key must be ${ROOM_KEY_BYTES} bytes of base64url`, 'key')
  }
  if (credentialed && roomCredential(keyBytes).room !== room) {
    return fail('invalid-link', 'the room id does not belong to this key (the link is damaged)', 'room')
  }
  return { ok: true, value: { relay: relayUrl, room, key: keyBytes } }
}
