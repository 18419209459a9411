import { LENGTH_PREFIX_BYTES as LENGTH_PREFIX } from '@keyroom/key-events'
import { bytesToUtf8 } from '@noble/ciphers/utils.js'

/** Two length bytes, the message, zeros up to `size`: every sealed message of a kind has the same length. */
export function padTo(message: Uint8Array, size: number): Uint8Array {
  if (message.length + LENGTH_PREFIX > size) {
    throw new RangeError(`message of ${message.length} bytes is too long to seal in ${size}`)
  }
  const out = new Uint8Array(size)
  out[0] = message.length >> 8
  out[1] = message.length & 0xff
  out.set(message, LENGTH_PREFIX)
  return out
}

/** The message inside a padded plaintext; undefined when the length prefix does not fit. */
export function unpad(padded: Uint8Array): Uint8Array | undefined {
  if (padded.length < LENGTH_PREFIX) return undefined
  const length = ((padded[0] ?? 0) << 8) | (padded[1] ?? 0)
  if (length + LENGTH_PREFIX > padded.length) return undefined
  return padded.subarray(LENGTH_PREFIX, LENGTH_PREFIX + length)
}

/** The JSON inside a padded plaintext, or undefined when it holds none: the caller's schema says what is wrong. */
export function unpadJson(padded: Uint8Array): unknown {
  const text = unpad(padded)
  if (text === undefined) return undefined
  try {
    return JSON.parse(bytesToUtf8(text))
  } catch {
    return undefined
  }
}
