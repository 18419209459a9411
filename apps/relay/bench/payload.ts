import { randomBytes } from 'node:crypto'
import {
  FRAME_VERSION,
  type MsgFrame,
  NONCE_BYTES,
  SESSION_ID_BYTES,
  SESSION_MESSAGE_BYTES,
  TAG_BYTES,
} from '@keyroom/key-events'

/** Every session message is padded to one size, sealed with a 16-byte Poly1305 tag: a tap looks like a text. */
const CIPHERTEXT_BYTES = SESSION_MESSAGE_BYTES + TAG_BYTES
const ciphertext = randomBytes(CIPHERTEXT_BYTES).toString('base64url')
const nonceTail = randomBytes(NONCE_BYTES)
const sessionId = () => randomBytes(SESSION_ID_BYTES).toString('base64url')
const from = sessionId()
const to = sessionId()

/**
 * A payload with the exact shape and size of a keyroom key event as a device sends it: one session message to one
 * receiver (a keypad sends one per trusted receiver). The relay never opens it, so random bytes do; the first 4
 * nonce bytes carry a sequence number the receiver reads to find the send time.
 */
export function sealedLike(seq: number): MsgFrame {
  nonceTail.writeUInt32BE(seq, 0)
  return { v: FRAME_VERSION, k: 'msg', from, to, nonce: nonceTail.toString('base64url'), ciphertext }
}

/** The sequence number of a `sealedLike` payload, or -1 for anything else. */
export function sequenceOf(payload: unknown): number {
  const nonce = (payload as Partial<MsgFrame> | null)?.nonce
  // 8 base64 characters are 6 whole bytes; the number is the first 4.
  return typeof nonce === 'string' ? Buffer.from(nonce.slice(0, 8), 'base64url').readUInt32BE(0) : -1
}

export const PAYLOAD_JSON_BYTES = Buffer.byteLength(JSON.stringify(sealedLike(0)))
