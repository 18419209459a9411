/**
 * The fields of a pairing link's fragment (`key` only to recognise a version 1 link and say to pair again); a device link
 * (version 2, README §2) is `v`, `relay`, `room` and optionally `peer`, `name`, `ps`.
 */
export const LinkField = {
  version: 'v',
  relay: 'relay',
  room: 'room',
  key: 'key',
  peer: 'peer',
  name: 'name',
  pairingSecret: 'ps',
} as const

/** Longest pairing link accepted, in characters. */
export const MAX_LINK_CHARS = 2048
/** A version 2 room id, or a version 1 room's made before join credentials: random bytes (a rendezvous, not a secret). */
export const ROOM_ID_BYTES = 16
/** A pairing secret: single-use, valid while the issuing device's pairing window is open. */
export const PAIRING_SECRET_BYTES = 16
