import { z } from 'zod/mini'
import {
  base64urlChars,
  CIPHER_KEY_BYTES,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  TAG_BYTES,
} from './cipher-sizes.js'
import { DeviceName } from './device-name.js'
import { Capabilities, MessageBody, Role } from './messages.js'
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
/** A session id: random bytes per connection. */
export const SESSION_ID_BYTES = 16
/** HKDF output of one handshake: the hs2, hs3, initiator → responder and responder → initiator keys, in order. */
export const HANDSHAKE_KEY_BYTES = 4 * CIPHER_KEY_BYTES

/** What a version 2 label names: hashed, derived, signed or sealed with it (README §4-6). */
export type FrameLabel = 'handshake' | 'keys' | 'initiator' | 'responder' | 'pairing' | 'code' | 'msg'
/** The domain-separation label of one use: `keyroom/v2/keys`. */
export const frameLabel = (use: FrameLabel): string => `keyroom/v${FRAME_VERSION}/${use}`
/** Associated data of a session message from one session id to another: `keyroom/v2/msg|<from>|<to>`. */
export const messageAssociatedData = (from: string, to: string): string =>
  `${frameLabel('msg')}|${from}|${to}`

const b64 = (min: number, max = min) =>
  z.string().check(z.minLength(min), z.maxLength(max), z.regex(/^[A-Za-z0-9_-]*$/, 'must be base64url'))

/** A session id, base64url. */
export const SessionId = b64(base64urlChars(SESSION_ID_BYTES))
/** An X25519 or Ed25519 public key, base64url. */
export const PublicKey = b64(base64urlChars(PUBLIC_KEY_BYTES))
const Nonce = b64(base64urlChars(NONCE_BYTES))
const ciphertext = (bytes: number) => b64(base64urlChars(bytes + TAG_BYTES))

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
  name: DeviceName,
  role: Role,
  caps: Capabilities,
  /** Ed25519 signature, base64url. */
  sig: b64(base64urlChars(SIGNATURE_BYTES)),
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
