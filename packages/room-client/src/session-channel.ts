import {
  FRAME_VERSION,
  fromBase64url,
  isAcknowledged,
  isDroppable,
  isRelease,
  MAX_EVENT_AGE_MS,
  MAX_MOTION_AGE_MS,
  MAX_SEQ_GAP,
  type MessageBody,
  type MsgFrame,
  messageAssociatedData,
  NONCE_BYTES,
  parseSessionEnvelope,
  SESSION_MESSAGE_BYTES,
  type SessionEnvelope,
  toBase64url,
} from '@keyroom/key-events'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes, utf8ToBytes } from '@noble/ciphers/utils.js'
import type { DeviceRejection as Rejection } from './device-types.js'
import { padTo, unpadJson } from './padding.js'

export interface ChannelOptions {
  mySid: string
  peerSid: string
  sendKey: Uint8Array
  receiveKey: Uint8Array
  /** When this device sent its own ephemeral key (hs1 or hs2), on its own clock. */
  start: number
  /** When this device received the peer's ephemeral key: its messages' `t` counts from here. */
  peerZero: number
}

/** One direction pair of a pairwise session: seals what this device sends, opens what the peer sends. */
export interface Channel {
  readonly peerSid: string
  readonly start: number
  seal(body: MessageBody, now: number): { frame: MsgFrame; seq: number }
  open(frame: MsgFrame, now: number): { ok: true; value: SessionEnvelope } | { ok: false; error: Rejection }
}

const aad = (from: string, to: string) => utf8ToBytes(messageAssociatedData(from, to))

/**
 * Freshness is judged on the receiver's own clock: lateness = now − start − t. The sender's clock zero (when it got
 * our ephemeral) is after `start`, so this overestimates the real delay by at most one handshake trip, and a relay
 * that delays everything from the handshake on cannot make a press land late (README §6). That trip is as long as
 * the peer took to handle our ephemeral: a busy phone can take 300 ms, for the whole session. A move or scroll is
 * judged by that bound too, but with MAX_EVENT_AGE_MS, and by its delay beyond the fastest message of this session
 * with MAX_MOTION_AGE_MS: a backlog still shows as late, a slow handshake does not make every move late. Motion
 * is a matter of feel, not safety: buttons follow the key rules.
 */
export function createChannel(options: ChannelOptions): Channel {
  const { mySid, peerSid, sendKey, receiveKey, start, peerZero } = options
  let sent = 0
  let lastSeq = 0
  /** The smallest lateness of any message opened on this channel (it carries the handshake's overestimate). */
  let fastest = Number.POSITIVE_INFINITY
  const reject = (reason: Rejection['reason'], message: string) => ({
    ok: false as const,
    error: { reason, message, from: peerSid },
  })
  return {
    peerSid,
    start,
    seal(body, now) {
      sent += 1
      const envelope: SessionEnvelope = {
        v: FRAME_VERSION,
        seq: sent,
        t: Math.max(0, Math.round(now - peerZero)),
        body,
      }
      const nonce = randomBytes(NONCE_BYTES)
      const plain = padTo(utf8ToBytes(JSON.stringify(envelope)), SESSION_MESSAGE_BYTES)
      const ciphertext = xchacha20poly1305(sendKey, nonce, aad(mySid, peerSid)).encrypt(plain)
      return {
        seq: sent,
        frame: {
          v: FRAME_VERSION,
          k: 'msg',
          from: mySid,
          to: peerSid,
          nonce: toBase64url(nonce),
          ciphertext: toBase64url(ciphertext),
        },
      }
    },
    open(frame, now) {
      const nonce = fromBase64url(frame.nonce)
      const ciphertext = fromBase64url(frame.ciphertext)
      if (!nonce || !ciphertext) return reject('invalid-frame', 'nonce or ciphertext is not base64url')
      let padded: Uint8Array
      try {
        padded = xchacha20poly1305(receiveKey, nonce, aad(peerSid, mySid)).decrypt(ciphertext)
      } catch {
        return reject('cannot-open', 'the message does not open under this session key')
      }
      const json = unpadJson(padded)
      const parsed = parseSessionEnvelope(json)
      if (!parsed.ok) return reject('invalid-message', parsed.error.message)
      const envelope = parsed.value
      if (envelope.seq <= lastSeq) return reject('replayed', `seq ${envelope.seq} is not after ${lastSeq}`)
      if (envelope.seq - lastSeq > MAX_SEQ_GAP) {
        return reject('replayed', `seq ${envelope.seq} jumps more than ${MAX_SEQ_GAP} past ${lastSeq}`)
      }
      lastSeq = envelope.seq
      const lateness = now - start - envelope.t
      fastest = Math.min(fastest, lateness)
      // A late move or scroll is dropped well before a late key: it would jump the pointer for nothing.
      const behind = lateness - fastest
      const jumps = isDroppable(envelope.body) && behind > MAX_MOTION_AGE_MS
      if ((lateness > MAX_EVENT_AGE_MS || jumps) && !isRelease(envelope.body)) {
        const late = reject(
          'stale',
          jumps && lateness <= MAX_EVENT_AGE_MS
            ? `${envelope.body.type} arrived ${Math.round(behind)} ms later than this session's fastest message`
            : `${envelope.body.type} arrived ${Math.round(lateness)} ms late by this device's clock`,
        )
        // Only what receipts acknowledge: a late move is dropped without a word, as motion always is.
        return isAcknowledged(envelope.body) ? { ...late, error: { ...late.error, seq: envelope.seq } } : late
      }
      return { ok: true, value: envelope }
    },
  }
}
