import {
  type Envelope,
  isDroppable,
  isRelease,
  MAX_CLOCK_SKEW_MS,
  MAX_EVENT_AGE_MS,
  MAX_MOTION_AGE_MS,
  parseEnvelope,
} from '@keyroom/key-events'
import type { Sealer } from './seal.js'
import type { Rejection } from './types.js'

/** Decides whether a sealed message from the room is authentic, in order and fresh. */
export interface Acceptor {
  accept(
    payload: unknown,
    receivedAt: number,
  ): { ok: true; value: Envelope } | { ok: false; error: Rejection }
}

interface SenderState {
  lastSeq: number
  /** Smallest (receive time - send time) seen: the clock offset plus the fastest trip. */
  baselineDelay: number
}

export { isRelease }

/**
 * Freshness is judged against each sender's own clock: a message is late when its delay exceeds the smallest delay
 * seen from that sender by more than MAX_EVENT_AGE_MS. That tolerates a phone whose clock is off by seconds, while a
 * sender whose clock is off by more than MAX_CLOCK_SKEW_MS is refused outright (it also bounds how old a captured
 * message can be when replayed to a receiver that has never heard from its sender).
 */
export function createAcceptor(sealer: Sealer): Acceptor {
  const senders = new Map<string, SenderState>()
  const reject = (error: Rejection) => ({ ok: false as const, error })
  return {
    accept(payload, receivedAt) {
      const opened = sealer.open(payload)
      if (!opened.ok) {
        const reason =
          opened.error.code === 'unsupported-version'
            ? 'unsupported-version'
            : opened.error.code === 'cannot-open'
              ? 'cannot-open'
              : 'invalid-seal'
        return reject({ reason, message: opened.error.message })
      }
      const parsed = parseEnvelope(opened.value)
      if (!parsed.ok) {
        const reason = parsed.error.code === 'unsupported-version' ? 'unsupported-version' : 'invalid-message'
        return reject({ reason, message: parsed.error.message })
      }
      const envelope = parsed.value
      const { from, seq } = envelope
      const delay = receivedAt - envelope.t
      if (Math.abs(delay) > MAX_CLOCK_SKEW_MS) {
        return reject({
          reason: 'clock-skew',
          from,
          message: `sent ${delay} ms from now by the sender's clock`,
        })
      }
      const state = senders.get(from)
      if (state && seq <= state.lastSeq) {
        return reject({ reason: 'replayed', from, message: `seq ${seq} is not after ${state.lastSeq}` })
      }
      const baselineDelay = Math.min(state?.baselineDelay ?? delay, delay)
      senders.set(from, { lastSeq: seq, baselineDelay })
      const lateness = delay - baselineDelay
      // A late move or scroll is dropped well before a late key: it would jump the pointer for nothing.
      const maxAge = isDroppable(envelope.body) ? MAX_MOTION_AGE_MS : MAX_EVENT_AGE_MS
      if (lateness > maxAge && !isRelease(envelope.body)) {
        return reject({ reason: 'stale', from, message: `${envelope.body.type} arrived ${lateness} ms late` })
      }
      return { ok: true, value: envelope }
    },
  }
}
