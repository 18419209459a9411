/**
 * The fields of a pairing link's fragment. A room link (version 1) is `relay`, `room`, `key`; a device link
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

/** What a fragment must name to be a room link. */
export const ROOM_LINK_FIELDS = [LinkField.relay, LinkField.room, LinkField.key] as const

/** Longest pairing link accepted, in characters. */
export const MAX_LINK_CHARS = 2048
/** A version 2 room id, or a version 1 room's made before join credentials: random bytes (a rendezvous, not a secret). */
export const ROOM_ID_BYTES = 16
/** A room key (version 1 links). */
export const ROOM_KEY_BYTES = 32
/** A pairing secret: single-use, valid while the issuing device's pairing window is open. */
export const PAIRING_SECRET_BYTES = 16
