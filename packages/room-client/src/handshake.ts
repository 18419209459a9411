import {
  type Capabilities,
  CIPHER_KEY_BYTES,
  FRAME_VERSION,
  type FrameLabel,
  fail,
  frameLabel,
  fromBase64url,
  HANDSHAKE_BYTES,
  HANDSHAKE_KEY_BYTES,
  type HandshakeIdentity,
  type Hs1Frame,
  type Hs2Frame,
  type Hs3Frame,
  LENGTH_PREFIX_BYTES,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  parseHandshakeIdentity,
  type Result,
  type Role,
  SIGNATURE_BYTES,
  toBase64url,
} from '@keyroom/key-events'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { concatBytes, equalBytes, randomBytes, utf8ToBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { ed25519, x25519 } from './curves.js'
import type { Identity } from './identity.js'
import { padTo, unpadJson } from './padding.js'

// SIGMA-I (Krawczyk, "SIGMA: the SIGn-and-MAc approach to authenticated Diffie-Hellman", CRYPTO 2003), the pattern
// of IKEv2 and TLS 1.3: fresh X25519 ephemerals, each side signs the transcript with its Ed25519 identity, and the
// identities travel encrypted under keys from the ephemeral DH. The spec is packages/key-events/README.md §5.

/** What a device says about itself in its handshake message. */
export interface Self {
  identity: Identity
  name: string
  role: Role
  caps: Capabilities
}

/** Keys both sides derive from one handshake. */
export interface SessionKeys {
  /** Initiator → responder. */
  i2r: Uint8Array
  /** Responder → initiator. */
  r2i: Uint8Array
}

/** The other device, authenticated by the handshake. */
export interface HandshakePeer {
  key: Uint8Array
  name: string
  role: Role
  caps: Capabilities
}

export interface Ephemeral {
  secret: Uint8Array
  public: Uint8Array
}

export const newEphemeral = (): Ephemeral => {
  const secret = x25519.utils.randomSecretKey()
  return { secret, public: x25519.getPublicKey(secret) }
}

const label = (use: FrameLabel) => utf8ToBytes(frameLabel(use))

/** The transcript hash: the room, both session ids, both ephemerals. */
function transcript(room: string, sI: string, sR: string, eI: Uint8Array, eR: Uint8Array): Uint8Array {
  return sha256(concatBytes(label('handshake'), utf8ToBytes(`${room}|${sI}|${sR}|`), eI, eR))
}

function deriveKeys(shared: Uint8Array, th: Uint8Array) {
  const okm = hkdf(sha256, shared, th, label('keys'), HANDSHAKE_KEY_BYTES)
  const key = (i: number) => okm.subarray(i * CIPHER_KEY_BYTES, (i + 1) * CIPHER_KEY_BYTES)
  return { hs2: key(0), hs3: key(1), session: { i2r: key(2), r2i: key(3) } }
}

/** The pairing proof: the initiator holds the link's secret, for this handshake and this responder only. */
export function pairingProof(secret: Uint8Array, th: Uint8Array, responderKey: Uint8Array): Uint8Array {
  return hmac(sha256, secret, concatBytes(label('pairing'), th, responderKey))
}

function sealIdentity(self: Self, key: Uint8Array, th: Uint8Array, role: 'initiator' | 'responder') {
  const sig = ed25519.sign(concatBytes(label(role), th), self.identity.secretKey)
  const body: HandshakeIdentity = {
    id: toBase64url(self.identity.publicKey),
    name: self.name,
    role: self.role,
    caps: self.caps,
    sig: toBase64url(sig),
  }
  const nonce = randomBytes(NONCE_BYTES)
  const plain = utf8ToBytes(JSON.stringify(body))
  if (plain.length + LENGTH_PREFIX_BYTES > HANDSHAKE_BYTES)
    throw new RangeError('handshake identity is too long to seal')
  const ciphertext = xchacha20poly1305(key, nonce, th).encrypt(padTo(plain, HANDSHAKE_BYTES))
  return { nonce: toBase64url(nonce), ciphertext: toBase64url(ciphertext) }
}

function openIdentity(
  frame: { nonce: string; ciphertext: string },
  key: Uint8Array,
  th: Uint8Array,
  role: 'initiator' | 'responder',
  self: Self,
): Result<HandshakePeer> {
  const nonce = fromBase64url(frame.nonce)
  const ciphertext = fromBase64url(frame.ciphertext)
  if (!nonce || !ciphertext) return fail('invalid-frame', 'nonce or ciphertext is not base64url')
  let padded: Uint8Array
  try {
    padded = xchacha20poly1305(key, nonce, th).decrypt(ciphertext)
  } catch {
    return fail('cannot-open', `the ${role}'s handshake message does not open under this handshake's key`)
  }
  const json = unpadJson(padded)
  const parsed = parseHandshakeIdentity(json)
  if (!parsed.ok) return fail('invalid-handshake', `the ${role}'s identity: ${parsed.error.message}`)
  const id = fromBase64url(parsed.value.id)
  const sig = fromBase64url(parsed.value.sig)
  if (id?.length !== PUBLIC_KEY_BYTES || sig?.length !== SIGNATURE_BYTES)
    return fail('invalid-handshake', 'malformed identity key or signature')
  // A device answering itself (its own frames reflected back) must not verify itself.
  if (equalBytes(id, self.identity.publicKey)) {
    return fail('reflected', 'the handshake names this device itself: a reflected message')
  }
  let valid = false
  try {
    valid = ed25519.verify(sig, concatBytes(label(role), th), id)
  } catch {
    valid = false
  }
  if (!valid) return fail('bad-signature', `the ${role}'s signature does not verify over this handshake`)
  const { name, role: peerRole, caps } = parsed.value
  return { ok: true, value: { key: id, name, role: peerRole, caps } }
}

/** The responder's side, between sending hs2 and receiving hs3. */
export interface PendingResponse {
  initiator: string
  th: Uint8Array
  keys: ReturnType<typeof deriveKeys>
}

/** Responder: answers an hs1 with an hs2 carrying this device's signed identity. */
export function respond(
  room: string,
  mySid: string,
  hs1: Hs1Frame,
  self: Self,
): Result<{ frame: Hs2Frame; pending: PendingResponse }> {
  const eI = fromBase64url(hs1.e)
  if (eI?.length !== PUBLIC_KEY_BYTES)
    return fail('invalid-frame', `hs1: the ephemeral key is not ${PUBLIC_KEY_BYTES} bytes`)
  const mine = newEphemeral()
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(mine.secret, eI)
  } catch {
    return fail('invalid-frame', 'hs1: the ephemeral key is not a usable X25519 key')
  }
  const th = transcript(room, hs1.from, mySid, eI, mine.public)
  const keys = deriveKeys(shared, th)
  const sealed = sealIdentity(self, keys.hs2, th, 'responder')
  return {
    ok: true,
    value: {
      frame: {
        v: FRAME_VERSION,
        k: 'hs2',
        from: mySid,
        to: hs1.from,
        e: toBase64url(mine.public),
        ...sealed,
      },
      pending: { initiator: hs1.from, th, keys },
    },
  }
}

/** Initiator: checks the responder's hs2 and answers with hs3. */
export function finishAsInitiator(
  room: string,
  mySid: string,
  ephemeral: Ephemeral,
  hs2: Hs2Frame,
  self: Self,
): Result<{ frame: Hs3Frame; peer: HandshakePeer; keys: SessionKeys; th: Uint8Array }> {
  const eR = fromBase64url(hs2.e)
  if (eR?.length !== PUBLIC_KEY_BYTES)
    return fail('invalid-frame', `hs2: the ephemeral key is not ${PUBLIC_KEY_BYTES} bytes`)
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(ephemeral.secret, eR)
  } catch {
    return fail('invalid-frame', 'hs2: the ephemeral key is not a usable X25519 key')
  }
  const th = transcript(room, mySid, hs2.from, ephemeral.public, eR)
  const keys = deriveKeys(shared, th)
  const peer = openIdentity(hs2, keys.hs2, th, 'responder', self)
  if (!peer.ok) return peer
  const sealed = sealIdentity(self, keys.hs3, th, 'initiator')
  return {
    ok: true,
    value: {
      frame: { v: FRAME_VERSION, k: 'hs3', from: mySid, to: hs2.from, ...sealed },
      peer: peer.value,
      keys: keys.session,
      th,
    },
  }
}

/** Responder: checks the initiator's hs3. */
export function finishAsResponder(
  pending: PendingResponse,
  hs3: Hs3Frame,
  self: Self,
): Result<{ peer: HandshakePeer; keys: SessionKeys; th: Uint8Array }> {
  const peer = openIdentity(hs3, pending.keys.hs3, pending.th, 'initiator', self)
  if (!peer.ok) return peer
  return { ok: true, value: { peer: peer.value, keys: pending.keys.session, th: pending.th } }
}
