import { z } from 'zod/mini'
import { base64urlChars, NONCE_BYTES, TAG_BYTES } from './cipher-sizes.js'
import { parseWith, type Result } from './result.js'

/** Version of the seal itself (cipher, key derivation, padding). */
export const SEAL_VERSION = 1
/** Plaintexts are padded up to one of these sizes so that lengths do not reveal which key was pressed. */
export const PAD_BUCKETS = [256, 1024, 4096] as const
/** Largest sealed message: the biggest bucket plus the tag, base64url. */
export const MAX_CIPHERTEXT_CHARS =
  Math.ceil(((PAD_BUCKETS[PAD_BUCKETS.length - 1] ?? 0) + TAG_BYTES) / 3) * 4
/** HKDF-SHA256 info of a room's seal key (the salt is the room id, the input the room key). */
export const SEAL_KEY_INFO = `keyroom/seal/v${SEAL_VERSION}`
/** Associated data of every seal in `room`: a sealed message does not open in another room. */
export const sealAssociatedData = (room: string): string => `keyroom/v${SEAL_VERSION}/${room}`

const base64url = /^[A-Za-z0-9_-]*$/

/** The only thing the relay ever sees of a keyroom message. */
export const SealedPayload = z.object({
  v: z.literal(SEAL_VERSION),
  nonce: z.string().check(z.length(base64urlChars(NONCE_BYTES)), z.regex(base64url)),
  ciphertext: z.string().check(z.minLength(1), z.maxLength(MAX_CIPHERTEXT_CHARS), z.regex(base64url)),
})
export type SealedPayload = z.infer<typeof SealedPayload>

export function parseSealedPayload(input: unknown): Result<SealedPayload> {
  if (typeof input === 'object' && input !== null && 'v' in input && input.v !== SEAL_VERSION) {
    return {
      ok: false,
      error: {
        code: 'unsupported-version',
        message: `seal version ${String(input.v)} is not ${SEAL_VERSION}`,
        path: 'v',
      },
    }
  }
  return parseWith(SealedPayload, input, 'invalid-seal')
}
