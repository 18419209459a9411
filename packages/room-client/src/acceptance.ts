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

/** Decides whether a sealed message from the room is authentic, in order and fresh; its state per sender is bounded. */
export interface Acceptor {
  accept(
    payload: unknown,
    receivedAt: number,
  ): { ok: true; value: Envelope } | { ok: false; error: Rejection }
  /** Judges freshness again at `now`, for a message that waited (for its sender's handshake). */
  recheck(envelope: Envelope, now: number): Rejection | undefined
  /**
   * The sender's session is over here (it left, went silent, never answered): its state is kept only as long as
   * a replay of its messages could pass the clock-skew check, then dropped by `sweep`.
   */
  retire(from: string, now: number): void
  sweep(now: number): void
  /** Senders with state, retired ones included. */
  size(): number
}

/** Most senders with state at once; a further new sender id is refused until some expire. */
export const MAX_TRACKED_SENDERS = 256
/** New sender ids a receiver takes at once, and then per second (a member inventing ids per message is refused). */
export const NEW_SENDER_BURST = 32
export const NEW_SENDERS_PER_SECOND = 2

interface SenderState {
  lastSeq: number
  /** When its session ended here; the state goes MAX_CLOCK_SKEW_MS later. */
  retiredAt?: number
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
  let newSenderTokens = NEW_SENDER_BURST
  let tokensAt = 0
  const takeNewSender = (now: number): boolean => {
    newSenderTokens = Math.min(
      NEW_SENDER_BURST,
      newSenderTokens + (Math.max(0, now - tokensAt) / 1000) * NEW_SENDERS_PER_SECOND,
    )
    tokensAt = now
    if (newSenderTokens < 1) return false
    newSenderTokens -= 1
    return true
  }
  const staleness = (envelope: Envelope, baselineDelay: number, now: number): Rejection | undefined => {
    const lateness = now - envelope.t - baselineDelay
    // A late move or scroll is dropped well before a late key: it would jump the pointer for nothing.
    const maxAge = isDroppable(envelope.body) ? MAX_MOTION_AGE_MS : MAX_EVENT_AGE_MS
    if (lateness <= maxAge || isRelease(envelope.body)) return undefined
    return {
      reason: 'stale',
      from: envelope.from,
      seq: envelope.seq,
      type: envelope.body.type,
      message: `${envelope.body.type} arrived ${lateness} ms late`,
    }
  }
  const sweep = (now: number) => {
    for (const [from, state] of senders) {
      if (state.retiredAt !== undefined && now - state.retiredAt > MAX_CLOCK_SKEW_MS) senders.delete(from)
    }
  }
  return {
    recheck(envelope, now) {
      const state = senders.get(envelope.from)
      return staleness(envelope, state?.baselineDelay ?? now - envelope.t, now)
    },
    retire(from, now) {
      const state = senders.get(from)
      if (state && state.retiredAt === undefined) state.retiredAt = now
    },
    sweep,
    size: () => senders.size,
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
          seq: envelope.seq,
          type: envelope.body.type,
          message: `sent ${delay} ms from now by the sender's clock`,
        })
      }
      const state = senders.get(from)
      if (state && seq <= state.lastSeq) {
        return reject({ reason: 'replayed', from, message: `seq ${seq} is not after ${state.lastSeq}` })
      }
      if (!state) {
        sweep(receivedAt)
        if (senders.size >= MAX_TRACKED_SENDERS || !takeNewSender(receivedAt)) {
          return reject({
            reason: 'rate-limited',
            from,
            seq,
            message: `too many new sender ids (${senders.size} tracked); ${from} is refused for now`,
          })
        }
      }
      const baselineDelay = Math.min(state?.baselineDelay ?? delay, delay)
      // A message after retirement is the same session coming back (a re-join): it must answer the challenge again.
      senders.set(from, { lastSeq: seq, baselineDelay })
      const late = staleness(envelope, baselineDelay, receivedAt)
      if (late) return reject(late)
      return { ok: true, value: envelope }
    },
  }
}
