import * as ed25519 from '@noble/ed25519'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { fromBase64url, toBase64url } from './base64url.js'
import { base64urlChars, SIGNATURE_BYTES } from './cipher-sizes.js'
import type { Result } from './result.js'

/**
 * Join credentials: proof of membership the relay checks without learning the room key, and without any state
 * shared between relays. A credentialed room's id is its public key: an Ed25519 key pair derived from the room key
 * with HKDF, its public half written as `k1.` + 43 base64url characters. To join, a member signs the room id and
 * its own connection id (the relay issues it at the handshake and it names only that connection), so a proof seen
 * anywhere is good for that connection only. The relay checks the signature against the key the room id spells.
 */

/** Room ids of this form are credentialed: joining them takes a proof. */
export const CREDENTIALED_ROOM_PATTERN = /^k1\.[A-Za-z0-9_-]{43}$/
const ROOM_ID_PREFIX = 'k1.'
/** An Ed25519 signature, base64url. */
export const JOIN_PROOF_CHARS = base64urlChars(SIGNATURE_BYTES)
const SEED_SALT = 'keyroom/join/v1'
const SEED_INFO = 'ed25519 seed'

// @noble/ed25519 (a few KB, where @noble/curves is four times that in the keypad) hashes with what it is given:
// @noble/hashes' SHA-512, synchronous and without crypto.subtle, which a phone on plain http:// lacks.
ed25519.hashes.sha512 = sha512

export const isCredentialedRoom = (room: string): boolean => CREDENTIALED_ROOM_PATTERN.test(room)

/** What a joiner signs: the protocol, the room and the connection it joins on. */
export const joinProofMessage = (room: string, connectionId: string): Uint8Array =>
  utf8ToBytes(`keyroom/join/v1\n${room}\n${connectionId}`)

/** The credential of the room whose key is `roomKey`: its room id, and how to prove membership on a connection. */
export function roomCredential(roomKey: Uint8Array) {
  const secretKey = hkdf(sha256, roomKey, utf8ToBytes(SEED_SALT), utf8ToBytes(SEED_INFO), 32)
  const room = ROOM_ID_PREFIX + toBase64url(ed25519.getPublicKey(secretKey))
  return {
    room,
    /** A proof for joining `room` on the relay connection `connectionId`. */
    prove: (connectionId: string): string =>
      toBase64url(ed25519.sign(joinProofMessage(room, connectionId), secretKey)),
  }
}

const refused = (message: string): Result<never> => ({
  ok: false,
  error: { code: 'invalid-proof', message, path: 'proof' },
})

/** Checks a join proof for a credentialed room; cheap shape checks first, one signature check at most. */
export function verifyJoinProof(room: string, connectionId: string, proof: unknown): Result<true> {
  if (!isCredentialedRoom(room)) return refused(`room "${room}" is not a credentialed room`)
  if (typeof proof !== 'string' || proof.length !== JOIN_PROOF_CHARS) {
    return refused(`proof must be ${JOIN_PROOF_CHARS} base64url characters`)
  }
  const signature = fromBase64url(proof)
  const publicKey = fromBase64url(room.slice(ROOM_ID_PREFIX.length))
  if (!signature || !publicKey) return refused('proof is not base64url')
  let valid = false
  try {
    valid = ed25519.verify(signature, joinProofMessage(room, connectionId), publicKey)
  } catch {
    valid = false // a room id that is no curve point
  }
  return valid ? { ok: true, value: true } : refused('the proof does not verify for this room and connection')
}
