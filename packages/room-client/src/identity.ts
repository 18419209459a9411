import { frameLabel } from '@keyroom/key-events'
import { utf8ToBytes } from '@noble/ciphers/utils.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { ed25519 } from './curves.js'

/** A device's long-term Ed25519 key pair and the fingerprint people compare. */
export interface Identity {
  secretKey: Uint8Array
  publicKey: Uint8Array
  fingerprint: string
}

export const IDENTITY_KEY_BYTES = 32

/** A new identity, or the one whose secret key is given (as kept in a device store). */
export function createIdentity(secretKey: Uint8Array = ed25519.utils.randomSecretKey()): Identity {
  if (secretKey.length !== IDENTITY_KEY_BYTES) throw new RangeError('an identity secret key is 32 bytes')
  const publicKey = ed25519.getPublicKey(secretKey)
  return { secretKey, publicKey, fingerprint: fingerprint(publicKey) }
}

// Crockford's base32: no I, L, O, U, so a fingerprint read aloud or typed is not misread.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** SHA-256 of the public key, first 80 bits, Crockford base32, 4 groups of 4: `7XQ4-M2KD-9FHR-0WCE`. */
export function fingerprint(publicKey: Uint8Array): string {
  const digest = sha256(publicKey)
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of digest.subarray(0, 10)) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += CROCKFORD[(value >> bits) & 31]
    }
    value &= (1 << bits) - 1
  }
  return out.match(/.{4}/g)?.join('-') ?? out
}

/**
 * The six digits both sides show for a pair (numeric comparison, as in Bluetooth Secure Simple Pairing and KDE
 * Connect): the same on the receiver and the device only when both see the same two identity keys.
 */
export function verificationCode(receiverKey: Uint8Array, deviceKey: Uint8Array): string {
  const input = new Uint8Array([...utf8ToBytes(frameLabel('code')), ...receiverKey, ...deviceKey])
  const digest = sha256(input)
  const n =
    ((digest[0] ?? 0) * 2 ** 24 + ((digest[1] ?? 0) << 16) + ((digest[2] ?? 0) << 8) + (digest[3] ?? 0)) % 1e6
  return String(n).padStart(6, '0')
}
