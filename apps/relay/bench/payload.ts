import { randomBytes } from 'node:crypto'
import { NONCE_BYTES, PAD_BUCKETS, SEAL_VERSION, type SealedPayload, TAG_BYTES } from '@keyroom/key-events'

/** A key event seals to the smallest pad bucket plus the 16-byte Poly1305 tag. */
const CIPHERTEXT_BYTES = PAD_BUCKETS[0] + TAG_BYTES
const ciphertext = randomBytes(CIPHERTEXT_BYTES).toString('base64url')
const nonceTail = randomBytes(NONCE_BYTES)

/**
 * A payload with the exact shape and size of a sealed keyroom key event. The relay never opens it, so random
 * bytes do; the first 4 nonce bytes carry a sequence number the receiver reads to find the send time.
 */
export function sealedLike(seq: number): SealedPayload {
  nonceTail.writeUInt32BE(seq, 0)
  return { v: SEAL_VERSION, nonce: nonceTail.toString('base64url'), ciphertext }
}

/** The sequence number of a `sealedLike` payload, or -1 for anything else. */
export function sequenceOf(payload: unknown): number {
  const nonce = (payload as Partial<SealedPayload> | null)?.nonce
  // 8 base64 characters are 6 whole bytes; the number is the first 4.
  return typeof nonce === 'string' ? Buffer.from(nonce.slice(0, 8), 'base64url').readUInt32BE(0) : -1
}

export const PAYLOAD_JSON_BYTES = Buffer.byteLength(JSON.stringify(sealedLike(0)))
