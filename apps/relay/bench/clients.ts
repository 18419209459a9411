import { KEYROOM_EVENT, type MsgFrame, type RelayAck, RelayEvent } from '@keyroom/key-events'
import { io } from 'socket.io-client'
import { WebSocket } from 'ws'
import { BENCH } from './config.js'
import type { RelayKind } from './server-process.js'

/** One bench connection, whatever the relay behind it speaks. */
export interface RelayClient {
  /** Resolves once the relay has the connection in the room. */
  join(room: string): Promise<void>
  /** Broadcasts to the others in the room; with `onAck`, asks the relay to acknowledge. */
  send(room: string, payload: MsgFrame, onAck?: (ack: RelayAck) => void): void
  close(): void
}

export type PayloadHandler = (payload: unknown) => void

function bounded<T>(
  what: string,
  executor: (resolve: (value: T) => void, reject: (e: Error) => void) => void,
) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out`)), BENCH.connectTimeoutMs)
    executor(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

/** A socket.io-client as keyroom's clients use it, on the WebSocket transport. */
async function connectSocketIo(url: string, onPayload: PayloadHandler): Promise<RelayClient> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true })
  socket.on(KEYROOM_EVENT, onPayload)
  await bounded<void>(`connecting to ${url}`, (resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return {
    join: (room) =>
      bounded(`joining ${room}`, (resolve) => socket.emit(RelayEvent.joinRoom, room, () => resolve())),
    send(room, payload, onAck) {
      const request = { roomName: room, eventName: KEYROOM_EVENT, payload }
      if (onAck) socket.emit(RelayEvent.broadcast, request, onAck)
      else socket.emit(RelayEvent.broadcast, request)
    },
    close: () => void socket.disconnect(),
  }
}

/** A bare `ws` client speaking the raw server's JSON messages (servers/raw-ws.ts). */
async function connectWs(url: string, onPayload: PayloadHandler): Promise<RelayClient> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'))
  const joins = new Map<string, () => void>()
  ws.on('message', (data) => {
    const message = JSON.parse(String(data))
    if (message.type === 'event') onPayload(message.payload)
    else if (message.type === 'joined') joins.get(message.room)?.()
  })
  await bounded<void>(`connecting to ${url}`, (resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    join: (room) =>
      bounded(`joining ${room}`, (resolve) => {
        joins.set(room, () => resolve())
        ws.send(JSON.stringify({ type: 'join-room', room }))
      }),
    send(room, payload) {
      ws.send(JSON.stringify({ type: 'broadcast', roomName: room, eventName: KEYROOM_EVENT, payload }))
    },
    close: () => ws.terminate(),
  }
}

export function connectClient(kind: RelayKind, url: string, onPayload: PayloadHandler): Promise<RelayClient> {
  return kind === 'ws' ? connectWs(url, onPayload) : connectSocketIo(url, onPayload)
}

/** Opens `count` connections, `BENCH.connectBatch` at a time so the handshakes do not pile up. */
export async function connectMany(
  kind: RelayKind,
  url: string,
  count: number,
  onPayload: PayloadHandler,
): Promise<RelayClient[]> {
  const clients: RelayClient[] = []
  try {
    for (let start = 0; start < count; start += BENCH.connectBatch) {
      const batch = Math.min(BENCH.connectBatch, count - start)
      clients.push(
        ...(await Promise.all(Array.from({ length: batch }, () => connectClient(kind, url, onPayload)))),
      )
    }
  } catch (error) {
    for (const client of clients) client.close()
    throw error
  }
  return clients
}

/** Joins every client to `roomOf(index)`, `BENCH.connectBatch` at a time, so 10,000 joins do not all wait at once. */
export async function joinAll(
  clients: readonly RelayClient[],
  roomOf: (index: number) => string,
): Promise<void> {
  for (let start = 0; start < clients.length; start += BENCH.connectBatch) {
    const batch = clients.slice(start, start + BENCH.connectBatch)
    await Promise.all(batch.map((client, i) => client.join(roomOf(start + i))))
  }
}
