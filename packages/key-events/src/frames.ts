import { z } from 'zod/mini'
import { Capabilities, MessageBody, Role } from './messages.js'
import { MAX_NAME_LENGTH } from './protocol.js'
import { err, parseWith, type Result } from './result.js'

/** Version of keyroom frames (handshake and pairwise sessions, see README section 5). */
export const FRAME_VERSION = 2
/** Every session message is padded to this many bytes: a tap, a chord and a text look the same. */
export const SESSION_MESSAGE_BYTES = 4096
/** Handshake plaintexts (an identity and a signature) are padded to this many bytes. */
export const HANDSHAKE_BYTES = 1024
/** A session's seq may run at most this far ahead of the last one accepted. */
export const MAX_SEQ_GAP = 1_000_000
/** A responder forgets a handshake whose hs3 has not come after this long. */
export const HANDSHAKE_TIMEOUT_MS = 10_000
/** Sessions are renewed with a new handshake this often, so clock drift cannot build up in lateness. */
export const SESSION_RENEW_MS = 30 * 60_000

const b64 = (min: number, max = min) =>
  z.string().check(z.minLength(min), z.maxLength(max), z.regex(/^[A-Za-z0-9_-]*$/, 'must be base64url'))

/** A session id: 16 random bytes per connection, base64url. */
export const SessionId = b64(22)
/** An X25519 or Ed25519 public key, 32 bytes base64url. */
export const PublicKey = b64(43)
const Nonce = b64(32)
const ciphertext = (bytes: number) => b64(Math.ceil(((bytes + 16) * 4) / 3))

export const Hs1Frame = z.object({
  v: z.literal(FRAME_VERSION),
  k: z.literal('hs1'),
  from: SessionId,
  e: PublicKey,
})
export const Hs2Frame = z.object({
  v: z.literal(FRAME_VERSION),
  k: z.literal('hs2'),
  from: SessionId,
  to: SessionId,
  e: PublicKey,
  nonce: Nonce,
  ciphertext: ciphertext(HANDSHAKE_BYTES),
})
export const Hs3Frame = z.object({
  v: z.literal(FRAME_VERSION),
  k: z.literal('hs3'),
  from: SessionId,
  to: SessionId,
  nonce: Nonce,
  ciphertext: ciphertext(HANDSHAKE_BYTES),
})
export const MsgFrame = z.object({
  v: z.literal(FRAME_VERSION),
  k: z.literal('msg'),
  from: SessionId,
  to: SessionId,
  nonce: Nonce,
  ciphertext: ciphertext(SESSION_MESSAGE_BYTES),
})
/** What the relay sees of keyroom: session ids, ephemeral keys, ciphertext. */
export const Frame = z.discriminatedUnion('k', [Hs1Frame, Hs2Frame, Hs3Frame, MsgFrame])
export type Frame = z.infer<typeof Frame>
export type Hs1Frame = z.infer<typeof Hs1Frame>
export type Hs2Frame = z.infer<typeof Hs2Frame>
export type Hs3Frame = z.infer<typeof Hs3Frame>
export type MsgFrame = z.infer<typeof MsgFrame>

export const OLDER_KEYROOM = 'is from an older keyroom: pair again'

/** Parses a frame; a version 1 seal (`{v: 1, nonce, ciphertext}`) gets "from an older keyroom". */
export function parseFrame(input: unknown): Result<Frame> {
  if (typeof input === 'object' && input !== null && 'v' in input && input.v !== FRAME_VERSION) {
    const v = String(input.v)
    return err({
      code: 'unsupported-version',
      message:
        typeof input.v === 'number' && input.v < FRAME_VERSION
          ? `this message (version ${v}) ${OLDER_KEYROOM}`
          : `frame version ${v} is not ${FRAME_VERSION}`,
      path: 'v',
    })
  }
  return parseWith(Frame, input, 'invalid-frame')
}

/** Who a device says it is inside hs2/hs3, signed over the handshake transcript. */
export const HandshakeIdentity = z.object({
  id: PublicKey,
  name: z.string().check(z.minLength(1), z.maxLength(MAX_NAME_LENGTH)),
  role: Role,
  caps: Capabilities,
  /** Ed25519 signature, 64 bytes base64url. */
  sig: b64(86),
})
export type HandshakeIdentity = z.infer<typeof HandshakeIdentity>

export const parseHandshakeIdentity = (input: unknown): Result<HandshakeIdentity> =>
  parseWith(HandshakeIdentity, input, 'invalid-handshake')

/** What travels inside every session message. */
export const SessionEnvelope = z.object({
  v: z.literal(FRAME_VERSION),
  seq: z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER)),
  /** Milliseconds on the sender's clock since it received the other side's ephemeral key. */
  t: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  body: MessageBody,
})
export type SessionEnvelope = z.infer<typeof SessionEnvelope>

export const parseSessionEnvelope = (input: unknown): Result<SessionEnvelope> =>
  parseWith(SessionEnvelope, input, 'invalid-message')
