import {
  type Capabilities,
  type Envelope,
  KEYROOM_EVENT,
  type MessageBody,
  PRESENCE_INTERVAL_MS,
  PROTOCOL_VERSION,
  type RelayAck,
  RelayEvent,
  type RoomInfo,
} from '@keyroom/key-events'
import { randomBytes } from '@noble/ciphers/utils.js'
import { io } from 'socket.io-client'
import { createAcceptor } from './acceptance.js'
import { toBase64url } from './base64url.js'
import { createEmitter } from './emitter.js'
import { parsePairingLink } from './pairing-link.js'
import { createPresence } from './presence.js'
import { createSealer } from './seal.js'
import type {
  ConnectionState,
  ConnectRoomOptions,
  RoomConnection,
  RoomEvents,
  RoomLink,
  Sendable,
  SendResult,
} from './types.js'

const PRESENCE_SWEEP_MS = 5_000

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
  let caps: Capabilities = options.caps ?? { inject: false }
  let state: ConnectionState = 'connecting'
  let seq = 0
  let pingId = 0
  const pendingPings = new Map<number, { sentAt: number; answers: Map<string, number> }>()

  const socket = io(link.relay, { transports: ['websocket', 'polling'], reconnectionDelayMax: 5_000 })

  const setState = (next: ConnectionState) => {
    if (next === state) return
    state = next
    events.emit('state', next)
  }
  const peersChanged = () => events.emit('peers', presence.list())
  const peerLeft = (peer: RoomEvents['peer-left'] | undefined) => {
    if (!peer) return
    events.emit('peer-left', peer)
    peersChanged()
  }

  const emitSealed = (body: MessageBody): Promise<SendResult> => {
    if (!socket.connected || state !== 'connected') {
      return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected to the relay' } })
    }
    seq += 1
    const envelope: Envelope = { v: PROTOCOL_VERSION, from: id, seq, t: now(), body }
    const request = { roomName: link.room, eventName: KEYROOM_EVENT, payload: sealer.seal(envelope) }
    return new Promise((resolve) => {
      socket
        .timeout(ackTimeoutMs)
        .emit(RelayEvent.broadcast, request, (timeout: Error | null, ack: RelayAck) => {
          if (timeout)
            resolve({ ok: false, error: { code: 'timeout', message: 'the relay did not acknowledge' } })
          else resolve(ack)
        })
    })
  }

  // Peers that answered our current challenge: only their messages are live, not replayed (see HelloMessage).
  const verified = new Set<string>()
  let challenge = ''
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
      case 'hello':
        if (body.answer === challenge) verified.add(envelope.from)
        if (body.challenge !== undefined) {
          const reply = verified.has(envelope.from) ? {} : { challenge }
          void hello({ ...reply, answer: body.challenge })
        }
        if (verified.has(envelope.from)) {
          presence.hello(envelope.from, body, at)
          peersChanged()
        }
        return
      case 'bye':
        peerLeft(presence.remove(envelope.from))
        return
      case 'ping':
        void emitSealed({ type: 'pong', id: body.id, to: envelope.from })
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

  socket.on(KEYROOM_EVENT, (payload: unknown) => {
    const accepted = acceptor.accept(payload, now())
    if (!accepted.ok) {
      events.emit('reject', accepted.error)
      return
    }
    const envelope = accepted.value
    if (envelope.body.type !== 'hello' && !verified.has(envelope.from)) {
      events.emit('reject', {
        reason: 'unverified',
        from: envelope.from,
        message: `${envelope.body.type} from a sender that has not answered this session's challenge`,
      })
      return
    }
    presence.seen(envelope.from, now())
    handle(envelope.body, envelope)
    events.emit('message', { from: envelope.from, seq: envelope.seq, t: envelope.t, body: envelope.body })
  })

  socket.on(RelayEvent.roomInfo, (info: RoomInfo) => {
    if (typeof info?.left === 'string') peerLeft(presence.removeBySocket(info.left))
  })

  let closing = false
  let retry: ReturnType<typeof setTimeout> | undefined
  socket.on('connect', () => {
    // Whatever reconnected after close() (a retry timer, socket.io's own backoff) goes straight back down.
    if (closing) {
      socket.disconnect()
      return
    }
    socket.emit(RelayEvent.joinRoom, link.room, (ack: RelayAck) => {
      if (!ack?.ok) {
        events.emit(
          'error',
          ack?.error ?? { code: 'join-failed', message: 'the relay refused to join the room' },
        )
        return
      }
      setState('connected')
      challenge = toBase64url(randomBytes(16))
      void hello({ challenge })
    })
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
    for (const peer of presence.clear()) events.emit('peer-left', peer)
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
      for (const peer of gone) events.emit('peer-left', peer)
      if (gone.length > 0) peersChanged()
    }, PRESENCE_SWEEP_MS),
  ]
  for (const timer of timers) (timer as { unref?: () => void }).unref?.()

  return {
    id,
    link,
    get state() {
      return state
    },
    send: (body: Sendable) => emitSealed(body),
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
      caps = next
      if (state === 'connected') void hello()
    },
    async close() {
      closing = true
      clearTimeout(retry)
      retry = undefined
      for (const timer of timers) clearInterval(timer)
      if (state === 'connected') await emitSealed({ type: 'bye' })
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
