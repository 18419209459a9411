import {
  type Capabilities,
  FRAME_VERSION,
  type Frame,
  fromBase64url,
  HANDSHAKE_TIMEOUT_MS,
  type Hs1Frame,
  isAcknowledged,
  isKeyAction,
  isPointerAction,
  KEYROOM_EVENT,
  type MessageBody,
  PRESENCE_INTERVAL_MS,
  PRESENCE_TIMEOUT_MS,
  parseFrame,
  RECEIPT_TIMEOUT_MS,
  RelayEvent,
  roomCredential,
  SESSION_ID_BYTES,
  SESSION_RENEW_MS,
  type SessionEnvelope,
  toBase64url,
} from '@keyroom/key-events'
import { equalBytes, randomBytes } from '@noble/ciphers/utils.js'
import { createDeliveryTracker } from './delivery-tracker.js'
import { parseDeviceLink } from './device-link.js'
import type {
  ConnectDeviceOptions,
  DeviceInfo,
  DeviceLink,
  DevicePeer,
  DeviceRejection,
  DeviceRoomConnection,
  DeviceRoomEvents,
  GateDecision,
  TrustedPeer,
} from './device-types.js'
import { createEmitter } from './emitter.js'
import {
  type Ephemeral,
  finishAsInitiator,
  finishAsResponder,
  type HandshakePeer,
  newEphemeral,
  type PendingResponse,
  pairingProof,
  respond,
  type Self,
} from './handshake.js'
import { fingerprint, verificationCode } from './identity.js'
import { startLinkHeartbeat } from './link-heartbeat.js'
import { createPermissionCheck } from './permissions.js'
import { createReceiptBatcher } from './receipt-batcher.js'
import { connectRelay } from './relay-socket.js'
import { type Channel, createChannel } from './session-channel.js'
import { nobodyThere, type Target, targetMatches } from './targets.js'
import type { ConnectionState, Delivery, Sendable, SendResult } from './types.js'

/** Key and pointer actions (not moves and scrolls, which are droppable) are acknowledged with receipts. */
/** Session seqs remembered per peer to match its receipts to our actions. */
const MAX_TRACKED_SEQS = 512

const PRESENCE_SWEEP_MS = 5_000
/** How soon a join the relay refused for its proof-check rate is tried again. */
const JOIN_RETRY_MS = 1_000
/** Bounds on what others can make this device keep. */
const MAX_PEERS = 64
const MAX_PENDING_HANDSHAKES = 64
/** Channels kept per peer: the newest is used to send, any of them opens (simultaneous and renewed handshakes). */
const CHANNELS_PER_PEER = 3

interface PeerRecord {
  peer: DevicePeer
  key: Uint8Array
  channels: Channel[]
  /** The newest handshake's transcript: what a pairing proof is bound to. */
  th: Uint8Array
  trust: TrustedPeer | undefined
  permissionCheck: ReturnType<typeof createPermissionCheck>
  proofSent: boolean
  /** Our session seq → our action number, for the receipts it sends back. */
  actions: Map<number, number>
  /** The gate has been asked about it: on its first hello, or its pairing proof, which comes before that. */
  judged: boolean
}

/**
 * Joins a room through the relay and runs a SIGMA-I handshake with every other device in it (handshake.ts), then
 * talks to each over its own pairwise session (session-channel.ts). Key actions go only to trusted devices; key
 * actions are accepted only from devices the gate approves, within their permissions. Works in Node and browsers.
 */
export function connectDevice(options: ConnectDeviceOptions): DeviceRoomConnection {
  const link = resolveLink(options.link)
  const now = options.now ?? Date.now
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000
  const { identity, gate } = options
  // The link's peer first: it carries the pairing secret, which an older entry for the same key does not.
  const trusted: TrustedPeer[] = [...(options.trusted ?? [])]
  if (link.peer) {
    trusted.unshift({
      key: link.peer,
      ...(link.name ? { name: link.name } : {}),
      ...(link.pairingSecret ? { pairingSecret: link.pairingSecret } : {}),
    })
  }
  const trustFor = (key: Uint8Array) => trusted.find((t) => equalBytes(t.key, key))
  const events = createEmitter<DeviceRoomEvents>((error) =>
    events.emit('error', { code: 'listener-error', message: String(error) }),
  )
  // Devices with a gate act on key actions and say what became of each (receipts).
  const withReceipts = (c: Capabilities): Capabilities => (gate ? { ...c, receipts: true } : c)
  let caps: Capabilities = withReceipts(options.caps ?? { inject: false })
  const self = (): Self => ({ identity, name: options.name, role: options.role, caps })
  let state: ConnectionState = 'connecting'
  let mySid = newSid()
  let hs1: { ephemeral: Ephemeral; sentAt: number; answered: Set<string> } | undefined
  const pendingResponses = new Map<string, { pending: PendingResponse; sentAt: number }>()
  const peers = new Map<string, PeerRecord>()
  let pingId = 0
  const pendingPings = new Map<number, { sentAt: number; answers: Map<string, number> }>()

  const socket = connectRelay(link.relay)
  // The relay room is the join credential derived from the link's room secret: only those who have the link reach
  // the room at the relay, and the relay never sees the secret (README §3.1).
  const credential = roomCredential(fromBase64url(link.room) ?? new Uint8Array())
  const relayRoom = credential.room
  const joinRequest = () => ({ roomName: relayRoom, proof: credential.prove(socket.id ?? '') })

  const setState = (next: ConnectionState) => {
    if (next === state) return
    state = next
    events.emit('state', next)
  }
  const list = () => [...peers.values()].map((r) => ({ ...r.peer }))
  const peersChanged = () => events.emit('peers', list())
  const reject = (error: DeviceRejection) => events.emit('reject', error)
  const dropPeer = (sid: string) => {
    const record = peers.get(sid)
    if (!record) return
    peers.delete(sid)
    tracker.forget(sid)
    events.emit('peer-left', { ...record.peer })
    peersChanged()
  }

  const emitFrame = (frame: Frame): Promise<SendResult> => {
    if (!socket.connected || state !== 'connected') {
      return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected to the relay' } })
    }
    const request = { roomName: relayRoom, eventName: KEYROOM_EVENT, payload: frame }
    return new Promise((resolve) => {
      socket.timeout(ackTimeoutMs).emit(RelayEvent.broadcast, request, (timeout: Error | null, ack) => {
        if (timeout)
          resolve({ ok: false, error: { code: 'timeout', message: 'the relay did not acknowledge' } })
        else resolve(ack)
      })
    })
  }
  const sendTo = (record: PeerRecord, body: MessageBody, action?: number): Promise<SendResult> => {
    const channel = record.channels[record.channels.length - 1]
    if (!channel) return Promise.resolve({ ok: false, error: { code: 'offline', message: 'no session' } })
    const sealed = channel.seal(body, now())
    if (action !== undefined) {
      record.actions.set(sealed.seq, action)
      if (record.actions.size > MAX_TRACKED_SEQS)
        record.actions.delete(record.actions.keys().next().value ?? 0)
    }
    return emitFrame(sealed.frame)
  }
  // Sender side: one number per action, whatever seq each pairwise session gave it.
  let actionCount = 0
  const tracker = createDeliveryTracker((delivery: Delivery) => events.emit('delivery', delivery))
  // Receiver side: what arrived and what was refused, one receipt per sender every few ms.
  const receipts = createReceiptBatcher((receipt) => {
    const record = peers.get(receipt.to)
    if (record) void sendTo(record, receipt)
  })
  const sendAction = (body: Sendable, timeoutMs = RECEIPT_TIMEOUT_MS, to: Target = 'all') => {
    // A notice about one action goes to its sender; one about this device (an output refused, a HID stall) to every
    // device allowed to act here; key actions only to the trusted receivers the user chose (`to`).
    const targets =
      body.type === 'notice' && body.ref
        ? [peers.get(body.ref.from)].filter((r): r is PeerRecord => r !== undefined)
        : [...peers.values()].filter((r) =>
            body.type === 'notice'
              ? r.trust !== undefined || r.peer.approval?.state === 'approved'
              : // Pointer actions only to receivers that drive a pointer: each receiver costs a frame per action.
                r.trust !== undefined &&
                targetMatches(to, r.peer) &&
                (!isPointerAction(body) || r.peer.caps.pointer === true),
          )
    let action: number | undefined
    if (isAcknowledged(body)) {
      actionCount += 1
      action = actionCount
      const expected = targets.filter((r) => r.peer.caps.receipts === true).map((r) => r.peer.id)
      tracker.track(action, expected, timeoutMs)
    }
    const sent: Promise<SendResult> =
      state !== 'connected'
        ? Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected to the relay' } })
        : targets.length === 0 && body.type !== 'notice'
          ? // Said, not dropped silently: before the handshake with a receiver is done, or with none in the room.
            Promise.resolve({
              ok: false,
              error: { code: 'no-receiver', message: nobodyThere(to, isPointerAction(body)) },
            })
          : Promise.all(targets.map((record) => sendTo(record, body, action))).then(
              (results) => results.find((r) => !r.ok) ?? { ok: true },
            )
    return { sent, action }
  }

  const sendHs1 = () => {
    const ephemeral = newEphemeral()
    hs1 = { ephemeral, sentAt: now(), answered: new Set() }
    const frame: Hs1Frame = { v: FRAME_VERSION, k: 'hs1', from: mySid, e: toBase64url(ephemeral.public) }
    void emitFrame(frame)
  }
  const hello = (record: PeerRecord) =>
    sendTo(record, { type: 'hello', role: options.role, name: options.name, caps, sid: socket.id ?? '' })

  const deviceInfo = (record: PeerRecord): DeviceInfo => ({
    key: record.key,
    fingerprint: record.peer.fingerprint,
    name: record.peer.name,
    role: record.peer.role,
    code: record.peer.code,
  })
  /** Asks the gate and tells the peer when the verdict changed. */
  const judge = (record: PeerRecord, provesSecret?: (secret: Uint8Array) => boolean, force = false) => {
    if (!gate) return
    const before = record.peer.approval
    const decision: GateDecision = gate(deviceInfo(record), provesSecret)
    record.peer.approval = decision
    const changed = before?.state !== decision.state || JSON.stringify(before) !== JSON.stringify(decision)
    if (!changed && !force) return
    if (decision.state !== 'approved' && before?.state === 'approved') {
      // Whatever it held is released, as when it leaves.
      events.emit('peer-left', { ...record.peer })
    }
    void sendTo(record, {
      type: 'status',
      state: decision.state,
      ...(decision.state === 'pending' ? { code: record.peer.code } : {}),
      ...(decision.state === 'approved' && decision.permissions ? { permissions: decision.permissions } : {}),
      ...(decision.state === 'approved' && decision.admin ? { admin: true } : {}),
    })
    peersChanged()
  }

  const opened = (peerSid: string, peer: HandshakePeer, channel: Channel, th: Uint8Array) => {
    const known = peers.get(peerSid)
    if (known && !equalBytes(known.key, peer.key)) {
      reject({
        reason: 'invalid-handshake',
        from: peerSid,
        message: 'a second handshake under this session id names another device',
      })
      return
    }
    if (!known && peers.size >= MAX_PEERS) {
      reject({
        reason: 'too-many-peers',
        from: peerSid,
        message: `more than ${MAX_PEERS} devices in the room`,
      })
      return
    }
    const trust = trustFor(peer.key)
    const record: PeerRecord = known ?? {
      key: peer.key,
      channels: [],
      th,
      trust,
      permissionCheck: createPermissionCheck(),
      proofSent: false,
      actions: new Map(),
      judged: false,
      peer: {
        id: peerSid,
        role: peer.role,
        name: peer.name,
        caps: peer.caps,
        key: toBase64url(peer.key),
        fingerprint: fingerprint(peer.key),
        trusted: trust !== undefined,
        // The code is over (receiver key, device key): the side with the gate is the receiver.
        code: gate
          ? verificationCode(identity.publicKey, peer.key)
          : verificationCode(peer.key, identity.publicKey),
        lastSeen: now(),
      },
    }
    record.channels = [...record.channels, channel].slice(-CHANNELS_PER_PEER)
    record.th = th
    peers.set(peerSid, record)
    // The pairing secret is proven over the authenticated session, whichever side started the handshake.
    if (trust?.pairingSecret && !record.proofSent) {
      record.proofSent = true
      void sendTo(record, {
        type: 'pair',
        proof: toBase64url(pairingProof(trust.pairingSecret, th, peer.key)),
      })
    }
    // The verdict waits for the peer's first message: a pairing proof, if it has one, comes before its hello, so a
    // device pairing inside the window is never shown as pending first.
    void hello(record)
    if (!known) peersChanged()
  }

  const onHandshake = (frame: Frame) => {
    const at = now()
    switch (frame.k) {
      case 'hs1': {
        if (frame.from === mySid) return
        const answer = respond(link.room, mySid, frame, self())
        if (!answer.ok)
          return reject({ reason: 'invalid-frame', from: frame.from, message: answer.error.message })
        pendingResponses.set(frame.from, { pending: answer.value.pending, sentAt: at })
        while (pendingResponses.size > MAX_PENDING_HANDSHAKES) {
          const oldest = pendingResponses.keys().next().value
          if (oldest !== undefined) pendingResponses.delete(oldest)
        }
        void emitFrame(answer.value.frame)
        return
      }
      case 'hs2': {
        if (!hs1 || hs1.answered.has(frame.from)) {
          return reject({
            reason: 'unknown-handshake',
            from: frame.from,
            message: 'an hs2 for no open hs1 of ours, or answered already',
          })
        }
        const done = finishAsInitiator(link.room, mySid, hs1.ephemeral, frame, self())
        if (!done.ok)
          return reject({
            reason: rejectReason(done.error.code),
            from: frame.from,
            message: done.error.message,
          })
        hs1.answered.add(frame.from)
        void emitFrame(done.value.frame)
        const channel = createChannel({
          mySid,
          peerSid: frame.from,
          sendKey: done.value.keys.i2r,
          receiveKey: done.value.keys.r2i,
          start: hs1.sentAt,
          peerZero: at,
        })
        opened(frame.from, done.value.peer, channel, done.value.th)
        return
      }
      case 'hs3': {
        const waiting = pendingResponses.get(frame.from)
        if (!waiting || at - waiting.sentAt > HANDSHAKE_TIMEOUT_MS) {
          pendingResponses.delete(frame.from)
          return reject({
            reason: 'unknown-handshake',
            from: frame.from,
            message: 'an hs3 that answers no open hs2 of ours (replayed or too late)',
          })
        }
        pendingResponses.delete(frame.from)
        const done = finishAsResponder(waiting.pending, frame, self())
        if (!done.ok)
          return reject({
            reason: rejectReason(done.error.code),
            from: frame.from,
            message: done.error.message,
          })
        const channel = createChannel({
          mySid,
          peerSid: frame.from,
          sendKey: done.value.keys.r2i,
          receiveKey: done.value.keys.i2r,
          start: waiting.sentAt,
          peerZero: waiting.sentAt,
        })
        opened(frame.from, done.value.peer, channel, done.value.th)
        return
      }
      default:
        return
    }
  }

  /** Opens with any of the peer's channels (the peer may still be sending on an older one). */
  const openMessage = (record: PeerRecord, frame: Extract<Frame, { k: 'msg' }>, at: number) => {
    let last: DeviceRejection | undefined
    for (const channel of [...record.channels].reverse()) {
      const result = channel.open(frame, at)
      if (result.ok) return result
      last = result.error
      if (result.error.reason !== 'cannot-open') break
    }
    return {
      ok: false as const,
      error: last ?? { reason: 'cannot-open' as const, message: 'no session', from: frame.from },
    }
  }

  const refuse = (
    record: PeerRecord,
    envelope: SessionEnvelope,
    reason: 'not-approved' | 'revoked' | 'not-permitted',
    message: string,
  ) => {
    reject({ reason, from: record.peer.id, message })
    if (isAcknowledged(envelope.body)) receipts.lost(record.peer.id, envelope.seq, reason)
    void sendTo(record, {
      type: 'notice',
      level: 'error',
      code: reason,
      message,
      ref: { from: record.peer.id, seq: envelope.seq },
    })
  }

  const handle = (record: PeerRecord, envelope: SessionEnvelope) => {
    const at = now()
    const body = envelope.body
    const from = record.peer.id
    record.peer.lastSeen = at
    const deliver = () =>
      events.emit('message', {
        from,
        seq: envelope.seq,
        t: envelope.t,
        body,
        device: {
          key: record.peer.key,
          fingerprint: record.peer.fingerprint,
          name: record.peer.name,
          role: record.peer.role,
        },
      })
    if (isKeyAction(body) || isPointerAction(body)) {
      if (!gate)
        return reject({
          reason: 'not-approved',
          from,
          message: `${body.type}: this device does not act on key actions`,
        })
      const decision = record.peer.approval
      if (decision?.state !== 'approved') {
        const state = decision?.state === 'revoked' ? 'revoked' : 'not-approved'
        return refuse(
          record,
          envelope,
          state,
          state === 'revoked'
            ? `${record.peer.name} is revoked on ${options.name}`
            : `${record.peer.name} is not approved on ${options.name} yet (code ${record.peer.code})`,
        )
      }
      const refusal = record.permissionCheck(body, decision.permissions)
      if (refusal) return refuse(record, envelope, 'not-permitted', refusal)
      if (isAcknowledged(body)) receipts.arrived(from, envelope.seq)
      return deliver()
    }
    switch (body.type) {
      case 'hello':
        record.peer.caps = body.caps
        if (body.sid !== undefined) record.peer.sid = body.sid
        if (!record.judged) {
          record.judged = true
          judge(record, undefined, true)
        }
        peersChanged()
        return
      case 'pair':
        record.judged = true
        judge(record, (secret) => {
          const proof = fromBase64url(body.proof)
          return proof !== undefined && equalBytes(proof, pairingProof(secret, record.th, identity.publicKey))
        })
        return
      case 'status':
        if (!record.trust) return
        record.peer.status = body
        peersChanged()
        return deliver()
      case 'bye':
        dropPeer(from)
        return
      case 'ping':
        void sendTo(record, { type: 'pong', id: body.id, to: from })
        return
      case 'pong': {
        const pending = pendingPings.get(body.id)
        if (!pending) return
        const rtt = at - pending.sentAt
        pending.answers.set(from, rtt)
        record.peer.rttMs = rtt
        peersChanged()
        return
      }
      case 'notice':
        if (record.trust || record.peer.approval?.state === 'approved') deliver()
        return
      case 'manage': {
        const refusal = (code: string, message: string) =>
          void sendTo(record, {
            type: 'notice',
            level: 'error',
            code,
            message,
            ref: { from, seq: envelope.seq },
          })
        if (!options.manager || record.peer.approval?.state !== 'approved' || !record.peer.approval.admin)
          return refusal('not-permitted', `${record.peer.name} may not manage the devices of ${options.name}`)
        const { type: _, ...request } = body
        const done = options.manager(request, deviceInfo(record))
        if (!done.ok) return refusal(done.error.code, done.error.message)
        // Whoever was approved or revoked hears it now, not at the next look at the store.
        if (request.op !== 'list') for (const other of peers.values()) judge(other)
        void sendTo(record, { type: 'devices', devices: done.value })
        return
      }
      case 'devices':
        if (!record.trust) return
        record.peer.devices = body.devices
        peersChanged()
        return
      case 'receipt': {
        if (body.to !== mySid) return
        const mapped = (seq: number) => record.actions.get(seq)
        tracker.receipt(from, {
          type: 'receipt',
          to: body.to,
          seqs: body.seqs.flatMap((seq) => mapped(seq) ?? []),
          lost: (body.lost ?? []).flatMap((l) => {
            const action = mapped(l.seq)
            return action === undefined ? [] : [{ seq: action, reason: l.reason }]
          }),
        })
        return
      }
      default:
        return
    }
  }

  socket.on(KEYROOM_EVENT, (payload) => {
    const parsed = parseFrame(payload)
    if (!parsed.ok) {
      const reason = parsed.error.code === 'unsupported-version' ? 'unsupported-version' : 'invalid-frame'
      return reject({ reason, message: parsed.error.message })
    }
    const frame = parsed.value
    // Frames for other devices are none of this one's business (and cannot be opened here).
    if (frame.k !== 'hs1' && frame.to !== mySid) return
    if (frame.k !== 'msg') return onHandshake(frame)
    const record = peers.get(frame.from)
    if (!record)
      return reject({
        reason: 'unknown-session',
        from: frame.from,
        message: 'a message from a device this one has no session with',
      })
    const opened = openMessage(record, frame, now())
    if (!opened.ok) {
      // Authentic but too late to act on: its sender hears that it was dropped and why, not silence.
      if (gate && opened.error.reason === 'stale' && opened.error.seq !== undefined)
        receipts.lost(record.peer.id, opened.error.seq, 'stale')
      return reject(opened.error)
    }
    handle(record, opened.value)
  })

  let closing = false
  let members = 0
  // Typed by ServerEvents, yet checked: a hostile relay may send anything.
  socket.on(RelayEvent.roomInfo, (info) => {
    if (typeof info?.count === 'number' && info.roomName === relayRoom && info.count !== members) {
      members = info.count
      events.emit('members', members)
    }
    if (typeof info?.left !== 'string') return
    const gone = [...peers.values()].find((r) => r.peer.sid === info.left)
    if (gone) dropPeer(gone.peer.id)
  })

  const join = () => {
    if (closing || !socket.connected) return
    socket.emit(RelayEvent.joinRoom, joinRequest(), (ack) => {
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
      sendHs1()
    })
  }
  socket.on('connect', join)

  socket.on('disconnect', (reason) => {
    // socket.io does not reconnect after a server-side disconnect (a relay shutting down): we do, unless we closed.
    if (reason === 'io server disconnect' && !closing) {
      const retry = setTimeout(() => socket.connect(), 1_000)
      ;(retry as { unref?: () => void }).unref?.()
    }
    setState(closing ? 'offline' : 'connecting')
    // Sessions belong to one connection: the next join starts new handshakes under a new session id.
    mySid = newSid()
    hs1 = undefined
    pendingResponses.clear()
    for (const sid of [...peers.keys()]) dropPeer(sid)
  })
  socket.io.on('reconnect_error', () => setState('offline'))
  socket.on('connect_error', (error) => {
    setState('offline')
    events.emit('error', { code: 'connect-error', message: error.message })
  })

  const timers = [
    setInterval(() => {
      if (state === 'connected') for (const record of peers.values()) void hello(record)
    }, PRESENCE_INTERVAL_MS),
    setInterval(() => {
      const at = now()
      for (const record of [...peers.values()]) {
        if (at - record.peer.lastSeen > PRESENCE_TIMEOUT_MS) dropPeer(record.peer.id)
      }
      for (const [sid, waiting] of pendingResponses) {
        if (at - waiting.sentAt > HANDSHAKE_TIMEOUT_MS) pendingResponses.delete(sid)
      }
    }, PRESENCE_SWEEP_MS),
    // A new handshake with everyone, so lateness is never judged on a clock that has drifted for hours.
    setInterval(() => state === 'connected' && sendHs1(), SESSION_RENEW_MS),
  ]
  const heartbeatMs = options.heartbeatMs ?? 0
  if (heartbeatMs > 0) {
    timers.push(
      startLinkHeartbeat({
        socket,
        // By name only: the relay answers "proof-required" at once, which is all a heartbeat needs, and no proof
        // is spent against the relay's per-address proof budget.
        room: relayRoom,
        everyMs: heartbeatMs,
        connected: () => state === 'connected',
        now,
        onChange: (health) => events.emit('link', health),
      }),
    )
  }
  for (const timer of timers) (timer as { unref?: () => void }).unref?.()

  return {
    get id() {
      return mySid
    },
    identity,
    link,
    get state() {
      return state
    },
    send: (body: Sendable, to?: Target) => sendAction(body, RECEIPT_TIMEOUT_MS, to).sent,
    async deliver(body: Sendable, timeoutMs = RECEIPT_TIMEOUT_MS, to?: Target) {
      const { sent, action } = sendAction(body, timeoutMs, to)
      // Taken before the relay's ack: receipts may come first.
      const settled = action !== undefined ? tracker.settled(action) : undefined
      const result = await sent
      const delivery = settled ? await settled : { seq: 0, delivered: [], lost: [], missing: [] }
      return { sent: result, ...delivery }
    },
    members: () => members,
    on: events.on,
    peers: list,
    async ping(timeoutMs = 2_000) {
      pingId += 1
      const pending = { sentAt: now(), answers: new Map<string, number>() }
      pendingPings.set(pingId, pending)
      await Promise.all([...peers.values()].map((record) => sendTo(record, { type: 'ping', id: pingId })))
      await new Promise((resolve) => setTimeout(resolve, timeoutMs))
      pendingPings.delete(pingId)
      return pending.answers
    },
    updateCapabilities(next) {
      caps = withReceipts(next)
      if (state === 'connected') for (const record of peers.values()) void hello(record)
    },
    reconsider() {
      for (const record of peers.values()) judge(record)
    },
    manage(peer, request) {
      const record = peers.get(peer)
      if (!record?.trust)
        return Promise.resolve({
          ok: false,
          error: { code: 'offline', message: 'no session with that receiver' },
        })
      return sendTo(record, { type: 'manage', ...request })
    },
    async close() {
      closing = true
      for (const timer of timers) clearInterval(timer)
      receipts.flush()
      if (state === 'connected')
        await Promise.all([...peers.values()].map((record) => sendTo(record, { type: 'bye' })))
      receipts.stop()
      tracker.stop()
      socket.disconnect()
      setState('offline')
    },
  }
}

const newSid = () => toBase64url(randomBytes(SESSION_ID_BYTES))

function rejectReason(code: string): DeviceRejection['reason'] {
  const known: DeviceRejection['reason'][] = [
    'cannot-open',
    'invalid-handshake',
    'bad-signature',
    'reflected',
    'invalid-frame',
  ]
  return known.find((k) => k === code) ?? 'invalid-handshake'
}

function resolveLink(link: DeviceLink | string): DeviceLink {
  if (typeof link !== 'string') return link
  const parsed = parseDeviceLink(link)
  if (!parsed.ok) throw new TypeError(parsed.error.message)
  return parsed.value
}
