import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import {
  parseBroadcastRequest,
  parseRoomName,
  type RelayAck,
  type RelayErrorCode,
  RelayEvent,
} from '@keyroom/key-events'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { DEFAULT_CONFIG, type RelayConfig } from '../../src/config.js'
import { createConnectionCounter, payloadBytes } from '../../src/limits.js'
import { createOriginCheck } from '../../src/origins.js'
import { RAISED_LIMITS } from '../config.js'
import { serveBench } from './harness.js'

/**
 * The next step, measured: our relay's job (parse with the key-events schemas, membership, token bucket, acks,
 * room-info, origin and per-IP checks) on the Engine.IO v4 / Socket.IO v5 wire protocol served straight from `ws`,
 * WebSocket transport only, for real socket.io-clients. No per-connection timers (one sweep pings everyone), no
 * per-connection closures beyond ws' own, one encoded frame per broadcast. A bench prototype, not the relay.
 */

const config: RelayConfig = { ...DEFAULT_CONFIG, ...RAISED_LIMITS }
const PING_INTERVAL_MS = 30_000
const PING_TIMEOUT_MS = 10_000
const MAX_PAYLOAD = config.maxPayloadBytes * 4 + 16 * 1024

const OK_JSON = '[{"ok":true}]'
const refuse = (code: RelayErrorCode, message: string): RelayAck => ({ ok: false, error: { code, message } })

const rooms = new Map<string, Set<Connection>>()
const checkOrigin = createOriginCheck(config)
const perIp = createConnectionCounter(config.maxConnectionsPerIp)
let nextId = 0
const connections = new Set<Connection>()

/** One client: its socket, rooms and token bucket, as plain fields of one object. */
class Connection {
  readonly id: string
  readonly joined = new Set<string>()
  connected = false
  alive = true
  tokens = config.eventBurst
  last = performance.now()

  constructor(
    readonly ws: WebSocket,
    readonly ip: string,
  ) {
    this.id = `c${(nextId++).toString(36)}${Math.random().toString(36).slice(2, 10)}`
  }

  take(): boolean {
    const at = performance.now()
    this.tokens = Math.min(
      config.eventBurst,
      this.tokens + ((at - this.last) / 1000) * config.eventsPerSecond,
    )
    this.last = at
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

function sendEvent(to: Connection, frame: Buffer): void {
  to.ws.send(frame, { binary: false })
}

const eventFrame = (name: string, payload: unknown) => Buffer.from(`42${JSON.stringify([name, payload])}`)

function announce(conn: Connection, room: string, change: { joined: string } | { left: string }) {
  const members = rooms.get(room)
  const frame = eventFrame(RelayEvent.roomInfo, { roomName: room, count: members?.size ?? 0, ...change })
  for (const member of members ?? []) if (member !== conn || 'joined' in change) sendEvent(member, frame)
}

function join(conn: Connection, name: unknown): RelayAck | undefined {
  const room = parseRoomName(name)
  if (!room.ok) return refuse('invalid-room-name', room.error.message)
  if (conn.joined.has(room.value)) return undefined
  if (conn.joined.size >= config.maxRoomsPerSocket) return refuse('too-many-rooms', 'too many rooms')
  const members = rooms.get(room.value) ?? new Set<Connection>()
  rooms.set(room.value, members.add(conn))
  conn.joined.add(room.value)
  announce(conn, room.value, { joined: conn.id })
  return undefined
}

function leave(conn: Connection, room: string): void {
  const members = rooms.get(room)
  if (!members) return
  members.delete(conn)
  conn.joined.delete(room)
  if (members.size === 0) rooms.delete(room)
  else announce(conn, room, { left: conn.id })
}

function broadcast(conn: Connection, input: unknown, includeSender: boolean): RelayAck | undefined {
  const size = payloadBytes((input as { payload?: unknown } | null | undefined)?.payload)
  if (size > config.maxPayloadBytes) return refuse('payload-too-large', `payload is ${size} bytes`)
  const request = parseBroadcastRequest(input)
  if (!request.ok) return refuse(request.error.code as RelayErrorCode, request.error.message)
  const { roomName, eventName, payload } = request.value
  if (!conn.joined.has(roomName)) return refuse('not-in-room', `join room "${roomName}" first`)
  const frame = eventFrame(eventName, payload)
  for (const member of rooms.get(roomName) ?? [])
    if (includeSender || member !== conn) sendEvent(member, frame)
  return undefined
}

/** A Socket.IO packet for namespace "/": `4` (message) then type, optional ack id, JSON arguments. */
function onPacket(conn: Connection, text: string): void {
  if (text === '3') {
    conn.alive = true // pong
    return
  }
  if (text.charCodeAt(0) !== 52 /* 4 */) return // engine.io: only messages and pongs come from a client
  const type = text.charCodeAt(1)
  if (type === 48 /* 0: CONNECT */) {
    conn.connected = true
    conn.ws.send(`40{"sid":"${conn.id}"}`)
    return
  }
  if (type === 49 /* 1: DISCONNECT */) {
    conn.ws.close()
    return
  }
  if (type !== 50 /* 2: EVENT */ || !conn.connected) {
    conn.ws.terminate() // binary attachments, other namespaces, garbage: not a keyroom client
    return
  }
  let i = 2
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++
  const ackId = i > 2 ? text.slice(2, i) : undefined
  let args: unknown
  try {
    args = JSON.parse(text.slice(i))
  } catch {
    conn.ws.terminate()
    return
  }
  if (!Array.isArray(args) || typeof args[0] !== 'string') {
    conn.ws.terminate()
    return
  }
  let result: RelayAck | undefined
  if (!conn.take()) result = refuse('rate-limited', 'too many events')
  else if (args[0] === RelayEvent.broadcast) result = broadcast(conn, args[1], false)
  else if (args[0] === RelayEvent.broadcastAll) result = broadcast(conn, args[1], true)
  else if (args[0] === RelayEvent.joinRoom) result = join(conn, args[1])
  else if (args[0] === RelayEvent.leaveRoom) {
    const room = parseRoomName(args[1])
    if (!room.ok) result = refuse('invalid-room-name', room.error.message)
    else if (!conn.joined.has(room.value)) result = refuse('not-in-room', 'not in that room')
    else leave(conn, room.value)
  } else result = refuse('unknown-event', `the relay has no "${args[0]}" call`)
  if (ackId !== undefined) conn.ws.send(`43${ackId}${result ? JSON.stringify([result]) : OK_JSON}`)
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const conn = (this as WebSocket & { conn: Connection }).conn
  if (isBinary) {
    this.terminate()
    return
  }
  onPacket(conn, String(data))
}

function onClose(this: WebSocket): void {
  const conn = (this as WebSocket & { conn: Connection }).conn
  connections.delete(conn)
  perIp.close(conn.ip)
  for (const room of [...conn.joined]) leave(conn, room)
}

function reject(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

serveBench(async () => {
  const http = createServer((_, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: MAX_PAYLOAD })
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = req.url ?? ''
    if (!url.startsWith('/socket.io/?') || !url.includes('EIO=4') || !url.includes('transport=websocket')) {
      reject(socket, 400, 'Bad Request')
      return
    }
    if (!checkOrigin(req.headers.origin).ok) {
      reject(socket, 403, 'Forbidden')
      return
    }
    const ip = socket.remoteAddress ?? 'unknown'
    if (!perIp.tryOpen(ip)) {
      reject(socket, 403, 'Forbidden')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, ip)
      ;(ws as WebSocket & { conn: Connection }).conn = conn
      connections.add(conn)
      ws.on('message', onMessage)
      ws.on('close', onClose)
      ws.send(
        `0{"sid":"${conn.id}","upgrades":[],"pingInterval":${PING_INTERVAL_MS},"pingTimeout":${PING_TIMEOUT_MS},"maxPayload":${MAX_PAYLOAD}}`,
      )
    })
  })
  // One sweep for every connection: whoever did not answer the last ping is gone.
  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) conn.ws.terminate()
      else {
        conn.alive = false
        conn.ws.send('2')
      }
    }
  }, PING_INTERVAL_MS)
  heartbeat.unref()
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    port: (http.address() as AddressInfo).port,
    connections: () => connections.size,
    heartbeatMs: PING_INTERVAL_MS,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat)
        for (const conn of connections) conn.ws.terminate()
        http.close(() => resolve())
      }),
  }
})
