import {
  type Capabilities,
  type Envelope,
  isCredentialedRoom,
  isDroppable,
  isKeyAction,
  isPointerAction,
  KEYROOM_EVENT,
  MAX_UNVERIFIED_BUFFER,
  type MessageBody,
  PRESENCE_INTERVAL_MS,
  PROTOCOL_VERSION,
  RECEIPT_TIMEOUT_MS,
  RelayEvent,
  roomCredential,
  toBase64url,
  UNVERIFIED_BUFFER_MS,
} from '@keyroom/key-events'
import { randomBytes } from '@noble/ciphers/utils.js'
import { createAcceptor } from './acceptance.js'
import { createDeliveryTracker } from './delivery-tracker.js'
import { createEmitter } from './emitter.js'
import { startLinkHeartbeat } from './link-heartbeat.js'
import { parsePairingLink } from './pairing-link.js'
import { createPresence } from './presence.js'
import { createReceiptBatcher } from './receipt-batcher.js'
import { connectRelay } from './relay-socket.js'
import { createSealer } from './seal.js'
import type {
  ConnectionState,
  ConnectRoomOptions,
  Delivery,
  Rejection,
  RoomConnection,
  RoomEvents,
  RoomLink,
  Sendable,
  SendResult,
} from './types.js'

const PRESENCE_SWEEP_MS = 5_000
/** How soon a join the relay refused for its proof-check rate is tried again. */
const JOIN_RETRY_MS = 1_000
/** Rejected messages reported (and so logged by devices) per second at most. */
export const REJECT_REPORTS_PER_SECOND = 10

/** Actions a receiver acknowledges and a sender tracks: keys and pointer buttons, not droppable moves and scrolls. */
const isTracked = (body: MessageBody) => (isKeyAction(body) || isPointerAction(body)) && !isDroppable(body)

/**
 * Joins a room through the relay with the seed API (`join-room`, `broadcast`), sealing every message under the room
 * key; re-joins after every reconnect. Works in Node and browsers alike.
 */
export function connectRoom(options: ConnectRoomOptions): RoomConnection {
  const link = resolveLink(options.link)
  const now = options.now ?? Date.now
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000
  const id = toBase64url(randomBytes(16))
  const sealer = createSealer(link)
  const acceptor = createAcceptor(sealer)
  const presence = createPresence()
  const events = createEmitter<RoomEvents>((error) =>
    events.emit('error', { code: 'listener-error', message: String(error) }),
  )
  const givesReceipts = options.receipts ?? options.role !== 'keypad'
  const withReceipts = (c: Capabilities): Capabilities => (givesReceipts ? { ...c, receipts: true } : c)
  let caps: Capabilities = withReceipts(options.caps ?? { inject: false })
  let members = 0
  let state: ConnectionState = 'connecting'
  let seq = 0
  let pingId = 0
  const pendingPings = new Map<number, { sentAt: number; answers: Map<string, number> }>()

  const socket = connectRelay(link.relay)

  const setState = (next: ConnectionState) => {
    if (next === state) return
    state = next
    events.emit('state', next)
  }
  const peersChanged = () => events.emit('peers', presence.list())
  // Everything known about a peer goes with its presence; its acceptor state stays only as a replay guard.
  const forget = (peerId: string) => {
    verified.delete(peerId)
    answered.delete(peerId)
    buffered.delete(peerId)
    acceptor.retire(peerId, now())
    tracker.forget(peerId)
  }
  const peerLeft = (peer: RoomEvents['peer-left'] | undefined) => {
    if (!peer) return
    forget(peer.id)
    events.emit('peer-left', peer)
    peersChanged()
  }

  const emitSealed = (body: MessageBody, receiptTimeoutMs = RECEIPT_TIMEOUT_MS): Promise<SendResult> => {
    if (!socket.connected || state !== 'connected') {
      return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected to the relay' } })
    }
    seq += 1
    // Expected receipts: every verified peer that gives them, as of now.
    if (isTracked(body)) {
      tracker.track(
        seq,
        presence
          .list()
          .filter((p) => p.caps.receipts === true)
          .map((p) => p.id),
        receiptTimeoutMs,
      )
    }
    const envelope: Envelope = { v: PROTOCOL_VERSION, from: id, seq, t: now(), body }
    const request = { roomName: link.room, eventName: KEYROOM_EVENT, payload: sealer.seal(envelope) }
    return new Promise((resolve) => {
      socket.timeout(ackTimeoutMs).emit(RelayEvent.broadcast, request, (timeout: Error | null, ack) => {
        if (timeout)
          resolve({ ok: false, error: { code: 'timeout', message: 'the relay did not acknowledge' } })
        else resolve(ack)
      })
    })
  }

  // Peers that answered our current challenge: only their messages are live, not replayed (see HelloMessage).
  const verified = new Set<string>()
  // The challenge of each peer we answered: each is answered once, so joins cost a linear number of messages.
  const answered = new Map<string, string>()
  // Messages from a sender still mid-handshake: kept briefly (bounded) instead of dropped, delivered once verified.
  const buffered = new Map<string, { since: number; envelopes: Envelope[] }>()
  let challenge = ''
  const tracker = createDeliveryTracker((delivery: Delivery) => events.emit('delivery', delivery))
  const receipts = createReceiptBatcher((receipt) => void emitSealed(receipt))
  // Whatever sends them (an outsider in a room made before credentials, a broken member, a hostile relay), rejected
  // messages are reported at most REJECT_REPORTS_PER_SECOND times a second; the next report counts the rest.
  let rejectWindowStart = Number.NEGATIVE_INFINITY
  let rejectReports = 0
  let rejectsUnreported = 0
  const report = (rejection: Rejection) => {
    const at = now()
    if (at - rejectWindowStart >= 1_000) {
      rejectWindowStart = at
      rejectReports = 0
    }
    if (rejectReports >= REJECT_REPORTS_PER_SECOND) {
      rejectsUnreported++
      return
    }
    rejectReports++
    events.emit('reject', rejectsUnreported > 0 ? { ...rejection, suppressed: rejectsUnreported } : rejection)
    rejectsUnreported = 0
  }
  const reject = (rejection: Rejection) => {
    report(rejection)
    // The sender hears what was lost here, not only what arrived (a receipt to an unverified sender tells it nothing
    // it could not see on the relay).
    // Not for refused new sender ids: a flood of invented ids must not get a receipt each.
    const tracked = rejection.type !== undefined && isTracked({ type: rejection.type } as MessageBody)
    if (givesReceipts && tracked && rejection.reason !== 'rate-limited' && rejection.from && rejection.seq) {
      receipts.lost(rejection.from, rejection.seq, rejection.reason)
    }
  }
  const hello = (extra: { challenge?: string; answer?: string } = {}) =>
    emitSealed({
      type: 'hello',
      role: options.role,
      name: options.name,
      caps,
      sid: socket.id ?? '',
      ...extra,
    })

  const handle = (body: MessageBody, envelope: Envelope) => {
    const at = now()
    switch (body.type) {
      case 'hello': {
        const justVerified = body.answer === challenge && !verified.has(envelope.from)
        if (body.answer === challenge) verified.add(envelope.from)
        if (body.challenge !== undefined && answered.get(envelope.from) !== body.challenge) {
          answered.set(envelope.from, body.challenge)
          const reply = verified.has(envelope.from) ? {} : { challenge }
          void hello({ ...reply, answer: body.challenge })
        }
        if (!verified.has(envelope.from)) return
        if (presence.hello(envelope.from, body, at) === 'full') {
          verified.delete(envelope.from)
          reject({
            reason: 'full',
            from: envelope.from,
            message: `the room already has ${presence.list().length} devices; ${body.name} is not listed`,
          })
          return
        }
        peersChanged()
        if (justVerified) deliverBuffered(envelope.from)
        return
      }
      case 'bye':
        peerLeft(presence.remove(envelope.from))
        return
      case 'ping':
        void emitSealed({ type: 'pong', id: body.id, to: envelope.from })
        return
      case 'receipt':
        if (body.to === id) tracker.receipt(envelope.from, body)
        return
      case 'pong': {
        const pending = body.to === id ? pendingPings.get(body.id) : undefined
        if (!pending) return
        const rtt = at - pending.sentAt
        pending.answers.set(envelope.from, rtt)
        presence.rtt(envelope.from, rtt)
        peersChanged()
        return
      }
      default:
        return
    }
  }

  const deliverVerified = (envelope: Envelope) => {
    presence.seen(envelope.from, now())
    handle(envelope.body, envelope)
    if (givesReceipts && isTracked(envelope.body)) receipts.arrived(envelope.from, envelope.seq)
    events.emit('message', { from: envelope.from, seq: envelope.seq, t: envelope.t, body: envelope.body })
  }
  const unverified = (envelope: Envelope, why: string): Rejection => ({
    reason: 'unverified',
    from: envelope.from,
    seq: envelope.seq,
    type: envelope.body.type,
    message: `${envelope.body.type} from a sender that ${why}`,
  })
  function deliverBuffered(from: string) {
    const waiting = buffered.get(from)
    buffered.delete(from)
    for (const envelope of waiting?.envelopes ?? []) {
      // It waited: judge its freshness again now.
      const late = acceptor.recheck(envelope, now())
      if (late) reject(late)
      else deliverVerified(envelope)
    }
  }
  const expireBuffered = () => {
    const at = now()
    for (const [from, waiting] of buffered) {
      if (at - waiting.since <= UNVERIFIED_BUFFER_MS) continue
      buffered.delete(from)
      for (const envelope of waiting.envelopes) {
        reject(
          unverified(envelope, `did not answer this session's challenge within ${UNVERIFIED_BUFFER_MS} ms`),
        )
      }
      if (!verified.has(from)) dropUnverified(from)
    }
  }
  function dropUnverified(from: string) {
    answered.delete(from)
    buffered.delete(from)
    acceptor.retire(from, now())
  }

  socket.on(KEYROOM_EVENT, (payload) => {
    const accepted = acceptor.accept(payload, now())
    if (!accepted.ok) {
      reject(accepted.error)
      // A sender that never got verified keeps its state only as a replay guard, which expires.
      const from = accepted.error.from
      if (from !== undefined && !verified.has(from) && !buffered.has(from)) dropUnverified(from)
      return
    }
    const envelope = accepted.value
    // Our own sender id never comes back from the relay (a broadcast skips its sender): this is a reflection by
    // the relay or another member, and answering it would let a device verify itself.
    if (envelope.from === id) {
      reject({
        reason: 'reflected',
        message: `${envelope.body.type} under this device's own sender id came back`,
      })
      return
    }
    if (envelope.body.type === 'hello' || verified.has(envelope.from)) {
      deliverVerified(envelope)
      return
    }
    if (envelope.body.type === 'bye' || envelope.body.type === 'receipt') return
    const waiting = buffered.get(envelope.from) ?? { since: now(), envelopes: [] }
    if (waiting.envelopes.length >= MAX_UNVERIFIED_BUFFER) {
      reject(
        unverified(envelope, `has not answered this session's challenge (${MAX_UNVERIFIED_BUFFER} waiting)`),
      )
      return
    }
    waiting.envelopes.push(envelope)
    buffered.set(envelope.from, waiting)
    bufferTimer ??= setInterval(() => {
      expireBuffered()
      if (buffered.size > 0) return
      clearInterval(bufferTimer)
      bufferTimer = undefined
    }, UNVERIFIED_BUFFER_MS / 4)
  })
  let bufferTimer: ReturnType<typeof setInterval> | undefined

  // Typed by ServerEvents, yet checked: a hostile relay may send anything.
  socket.on(RelayEvent.roomInfo, (info) => {
    if (info?.roomName !== link.room) return
    if (typeof info.count === 'number' && Number.isSafeInteger(info.count) && info.count >= 0) {
      members = info.count
      events.emit('members', members)
    }
    if (typeof info.left === 'string') peerLeft(presence.removeBySocket(info.left))
  })

  let closing = false
  let retry: ReturnType<typeof setTimeout> | undefined
  // A credentialed room (the kind createRoom makes) takes a proof signed for this very connection.
  const credential = isCredentialedRoom(link.room) ? roomCredential(link.key) : undefined
  const join = () => {
    if (closing || !socket.connected || socket.id === undefined) return
    const request = credential ? { roomName: link.room, proof: credential.prove(socket.id) } : link.room
    socket.emit(RelayEvent.joinRoom, request, (ack) => {
      if (!ack?.ok) {
        events.emit(
          'error',
          ack?.error ?? { code: 'join-failed', message: 'the relay refused to join the room' },
        )
        // The relay checks only so many proofs a second per address (a NAT of devices rejoining): try again.
        if (ack?.error?.code === 'rate-limited') {
          const again = setTimeout(join, JOIN_RETRY_MS)
          ;(again as { unref?: () => void }).unref?.()
        }
        return
      }
      setState('connected')
      challenge = toBase64url(randomBytes(16))
      void hello({ challenge })
    })
  }
  socket.on('connect', () => {
    // Whatever reconnected after close() (a retry timer, socket.io's own backoff) goes straight back down.
    if (closing) {
      socket.disconnect()
      return
    }
    join()
  })

  socket.on('disconnect', (reason) => {
    // socket.io does not reconnect after a server-side disconnect (a relay shutting down): we do, unless we closed.
    if (reason === 'io server disconnect' && !closing) {
      clearTimeout(retry)
      retry = setTimeout(() => {
        retry = undefined
        if (!closing) socket.connect()
      }, 1_000)
      ;(retry as { unref?: () => void }).unref?.()
    }
    setState(closing ? 'offline' : 'connecting')
    // Whatever was known about the room is stale now; peers say hello again after the re-join.
    members = 0
    for (const peer of presence.clear()) {
      forget(peer.id)
      events.emit('peer-left', peer)
    }
    peersChanged()
  })
  socket.io.on('reconnect_error', () => setState('offline'))
  socket.on('connect_error', (error) => {
    setState('offline')
    events.emit('error', { code: 'connect-error', message: error.message })
  })

  const timers = [
    setInterval(() => state === 'connected' && void hello(), PRESENCE_INTERVAL_MS),
    setInterval(() => {
      const gone = presence.expire(now())
      for (const peer of gone) {
        forget(peer.id)
        events.emit('peer-left', peer)
      }
      if (gone.length > 0) peersChanged()
      acceptor.sweep(now())
    }, PRESENCE_SWEEP_MS),
  ]
  const heartbeatMs = options.heartbeatMs ?? 0
  if (heartbeatMs > 0) {
    timers.push(
      startLinkHeartbeat({
        socket,
        room: link.room,
        everyMs: heartbeatMs,
        connected: () => state === 'connected',
        now,
        onChange: (health) => events.emit('link', health),
      }),
    )
  }
  for (const timer of timers) (timer as { unref?: () => void }).unref?.()

  return {
    id,
    link,
    get state() {
      return state
    },
    send: (body: Sendable) => emitSealed(body),
    async deliver(body: Sendable, timeoutMs = RECEIPT_TIMEOUT_MS) {
      const before = seq
      const sent = emitSealed(body, timeoutMs)
      // Taken before the relay's ack: receipts may come first.
      const settled = seq !== before && isTracked(body) ? tracker.settled(seq) : undefined
      const result = await sent
      const delivery = settled ? await settled : { seq, delivered: [], lost: [], missing: [] }
      return { sent: result, ...delivery }
    },
    members: () => members,
    on: events.on,
    peers: presence.list,
    async ping(timeoutMs = 2_000) {
      pingId += 1
      const pending = { sentAt: now(), answers: new Map<string, number>() }
      pendingPings.set(pingId, pending)
      await emitSealed({ type: 'ping', id: pingId })
      await new Promise((resolve) => setTimeout(resolve, timeoutMs))
      pendingPings.delete(pingId)
      return pending.answers
    },
    updateCapabilities(next) {
      caps = withReceipts(next)
      if (state === 'connected') void hello()
    },
    async close() {
      closing = true
      clearTimeout(retry)
      retry = undefined
      clearInterval(bufferTimer)
      for (const timer of timers) clearInterval(timer)
      receipts.flush()
      if (state === 'connected') await emitSealed({ type: 'bye' })
      receipts.stop()
      tracker.stop()
      socket.disconnect()
      setState('offline')
    },
  }
}

function resolveLink(link: RoomLink | string): RoomLink {
  if (typeof link !== 'string') return link
  const parsed = parsePairingLink(link)
  if (!parsed.ok) throw new TypeError(parsed.error.message)
  return parsed.value
}
