import {
  CIPHER_KEY_BYTES,
  type Envelope,
  fromBase64url,
  LENGTH_PREFIX_BYTES,
  NONCE_BYTES,
  PAD_BUCKETS,
  parseSealedPayload,
  type Result,
  SEAL_KEY_INFO,
  SEAL_VERSION,
  type SealedPayload,
  sealAssociatedData,
  toBase64url,
} from '@keyroom/key-events'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { bytesToUtf8, randomBytes, utf8ToBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { padTo, unpad } from './padding.js'
import type { RoomLink } from './types.js'

/** Seals and opens keyroom messages of one room. */
export interface Sealer {
  seal(envelope: Envelope): SealedPayload
  open(payload: unknown): Result<unknown>
}

/**
 * XChaCha20-Poly1305 under a key derived from the room key with HKDF-SHA256 (salt: room id), with the room id and
 * seal version as associated data, so a sealed message cannot be replayed into another room. Plaintexts are padded
 * to a bucket so that the length does not tell a key press from another.
 */
export function createSealer(link: Pick<RoomLink, 'room' | 'key'>): Sealer {
  const key = hkdf(sha256, link.key, utf8ToBytes(link.room), utf8ToBytes(SEAL_KEY_INFO), CIPHER_KEY_BYTES)
  const aad = utf8ToBytes(sealAssociatedData(link.room))
  return {
    seal(envelope) {
      const nonce = randomBytes(NONCE_BYTES)
      const ciphertext = xchacha20poly1305(key, nonce, aad).encrypt(
        pad(utf8ToBytes(JSON.stringify(envelope))),
      )
      return { v: SEAL_VERSION, nonce: toBase64url(nonce), ciphertext: toBase64url(ciphertext) }
    },
    open(payload) {
      const parsed = parseSealedPayload(payload)
      if (!parsed.ok) return parsed
      const nonce = fromBase64url(parsed.value.nonce)
      const ciphertext = fromBase64url(parsed.value.ciphertext)
      if (!nonce || !ciphertext) return cannotOpen('nonce or ciphertext is not base64url')
      let padded: Uint8Array
      try {
        padded = xchacha20poly1305(key, nonce, aad).decrypt(ciphertext)
      } catch {
        return cannotOpen('the message does not open under this room key')
      }
      const text = unpad(padded)
      if (text === undefined) return cannotOpen('the padding is malformed')
      try {
        return { ok: true, value: JSON.parse(bytesToUtf8(text)) }
      } catch {
        return cannotOpen('the opened message is not JSON')
      }
    },
  }
}

const cannotOpen = (message: string): Result<never> => ({
  ok: false,
  error: { code: 'cannot-open', message, path: '' },
})

/** Two length bytes, the message, zeros up to the smallest bucket that fits. */
export function pad(message: Uint8Array): Uint8Array {
  const bucket = PAD_BUCKETS.find((size) => size >= message.length + LENGTH_PREFIX_BYTES)
  if (bucket === undefined) throw new RangeError(`message of ${message.length} bytes is too long to seal`)
  return padTo(message, bucket)
}

export { unpad }
