import {
  FRAME_VERSION,
  fail,
  fromBase64url,
  LinkField,
  MAX_LINK_CHARS,
  nameProblem,
  OLDER_KEYROOM,
  PAIRING_SECRET_BYTES,
  PUBLIC_KEY_BYTES,
  type Result,
  ROOM_ID_BYTES,
  toBase64url,
} from '@keyroom/key-events'
import { randomBytes } from '@noble/ciphers/utils.js'
import type { DeviceLink, TrustedPeer } from './device-types.js'

/** `ws(s)://` becomes `http(s)://` (socket.io wants the HTTP origin); trailing slashes go. Throws on a bad URL. */
export function normalizeRelayUrl(relay: string): string {
  const url = new URL(relay)
  const protocol = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[url.protocol]
  if (!protocol || url.username || url.password) throw new TypeError(`not a relay URL: ${relay}`)
  url.protocol = protocol
  return url.toString().replace(/\/+$/, '')
}

/** A new room id on a relay (a rendezvous, not a secret). */
export const createRoomId = (): string => toBase64url(randomBytes(ROOM_ID_BYTES))

export const createPairingSecret = (): Uint8Array => randomBytes(PAIRING_SECRET_BYTES)

/** The receiver a link names, to trust beside the one a connection was opened with (a second link to the same room). */
export function trustedPeerOf(link: DeviceLink): TrustedPeer | undefined {
  if (!link.peer) return undefined
  return {
    key: link.peer,
    ...(link.name === undefined ? {} : { name: link.name }),
    ...(link.pairingSecret === undefined ? {} : { pairingSecret: link.pairingSecret }),
  }
}

/**
 * The pairing link: `<keypadUrl>#v=2&relay=<url>&room=<id>&peer=<key>&name=<name>&ps=<secret>`. Everything is in the
 * fragment, which browsers never send to a server. @default keypadUrl the relay URL (the relay serves the keypad)
 */
export function formatDeviceLink(link: DeviceLink, keypadUrl: string = link.relay): string {
  const base = keypadUrl.split('#')[0] ?? keypadUrl
  const params = new URLSearchParams({
    [LinkField.version]: String(FRAME_VERSION),
    [LinkField.relay]: link.relay,
    [LinkField.room]: link.room,
  })
  if (link.peer) params.set(LinkField.peer, toBase64url(link.peer))
  if (link.name) params.set(LinkField.name, link.name)
  if (link.pairingSecret) params.set(LinkField.pairingSecret, toBase64url(link.pairingSecret))
  return `${base.endsWith('/') ? base : `${base}/`}#${params.toString()}`
}

/** Parses a pairing link, or just its fragment; every way it can be broken has its own message. */
export function parseDeviceLink(text: string): Result<DeviceLink> {
  if (typeof text !== 'string' || text.trim().length === 0)
    return fail('invalid-link', 'the pairing link is empty', '')
  if (text.length > MAX_LINK_CHARS)
    return fail('invalid-link', `the pairing link is longer than ${MAX_LINK_CHARS} characters`, '')
  const trimmed = text.trim()
  const hash = trimmed.indexOf('#')
  const fragment = hash >= 0 ? trimmed.slice(hash + 1) : trimmed
  const params = new URLSearchParams(fragment)
  const version = params.get(LinkField.version)
  if (version === null && params.has(LinkField.key)) {
    return fail('older-link', `this link ${OLDER_KEYROOM}`, 'v')
  }
  if (version !== String(FRAME_VERSION)) {
    return fail('invalid-link', `the pairing link's version "${version ?? ''}" is not ${FRAME_VERSION}`, 'v')
  }
  const relay = params.get(LinkField.relay)
  const room = params.get(LinkField.room)
  if (!relay) return fail('invalid-link', 'the pairing link has no relay= in its fragment', 'relay')
  if (!room) return fail('invalid-link', 'the pairing link has no room= in its fragment', 'room')
  let relayUrl: string
  try {
    relayUrl = normalizeRelayUrl(relay)
  } catch {
    return fail('invalid-link', `relay "${relay}" is not an http(s) or ws(s) URL`, 'relay')
  }
  if (fromBase64url(room)?.length !== ROOM_ID_BYTES) {
    return fail('invalid-link', `room must be ${ROOM_ID_BYTES} bytes of base64url`, 'room')
  }
  const value: DeviceLink = { relay: relayUrl, room }
  const peer = params.get(LinkField.peer)
  if (peer !== null) {
    const key = fromBase64url(peer)
    if (key?.length !== PUBLIC_KEY_BYTES) {
      return fail('invalid-link', `peer must be a ${PUBLIC_KEY_BYTES}-byte public key in base64url`, 'peer')
    }
    value.peer = key
  }
  const name = params.get(LinkField.name)
  if (name !== null) {
    const problem = nameProblem(name)
    if (problem) return fail('invalid-link', `name: ${problem}`, 'name')
    value.name = name
  }
  const ps = params.get(LinkField.pairingSecret)
  if (ps !== null) {
    const secret = fromBase64url(ps)
    if (secret?.length !== PAIRING_SECRET_BYTES) {
      return fail('invalid-link', `ps must be ${PAIRING_SECRET_BYTES} bytes of base64url`, 'ps')
    }
    if (!value.peer) return fail('invalid-link', 'a pairing secret needs the peer= it pairs with', 'ps')
    value.pairingSecret = secret
  }
  return { ok: true, value }
}
