/** XChaCha20-Poly1305, the cipher of both seals: a 32-byte key, a 24-byte random nonce, a 16-byte tag. */
export const CIPHER_KEY_BYTES = 32
export const NONCE_BYTES = 24
export const TAG_BYTES = 16
/** X25519 and Ed25519 public keys. */
export const PUBLIC_KEY_BYTES = 32
/** An Ed25519 signature. */
export const SIGNATURE_BYTES = 64
/** An HMAC-SHA256 tag (a pairing proof). */
export const MAC_BYTES = 32
/** Every padded plaintext starts with its length: 2 bytes, big-endian. */
export const LENGTH_PREFIX_BYTES = 2

/** Characters of `bytes` bytes in unpadded base64url. */
export const base64urlChars = (bytes: number): number => Math.ceil((bytes * 4) / 3)
