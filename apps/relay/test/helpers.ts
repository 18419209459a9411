import {
  type ClientEvents,
  type RelayAck,
  RelayEvent,
  type RelayedEvents,
  type RoomInfo,
  type roomCredential,
  type ServerEvents,
} from '@keyroom/key-events'
import { captureLogger, startTestRelay } from '@keyroom/test-kit'
import { io, type Socket } from 'socket.io-client'
import { onTestFinished, vi } from 'vitest'
import type { RelayOptions } from '../src/index.js'

/** A real relay on 127.0.0.1:0 whose log lines the test can read. */
export async function relay(options: RelayOptions = {}) {
  const { logger, lines: logs } = captureLogger('info')
  const started = await startTestRelay({ logger, ...options })
  return { ...started, logs }
}

/** The event names these tests broadcast under. */
export type TestEvent = 'msg' | 'frame'
/** A client of the relay API, typed by key-events' event maps as keyroom's own clients are. */
export type RelaySocket = Socket<ServerEvents & RelayedEvents<TestEvent>, ClientEvents>

/** A real socket.io-client, connected. */
export async function client(
  url: string,
  options: {
    origin?: string
    transports?: ('polling' | 'websocket')[]
    /** As if from this address, told by a proxy the relay trusts (`X-Forwarded-For`). */
    forwardedFor?: string
  } = {},
): Promise<RelaySocket> {
  const headers = {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
  }
  const socket: RelaySocket = io(url, {
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(Object.keys(headers).length > 0 ? { extraHeaders: headers } : {}),
  })
  onTestFinished(() => {
    socket.disconnect()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  return socket
}

/** Calls the relay as keyroom's clients do (the event maps type the request) and waits for its ack. */
export function call<E extends keyof ClientEvents>(
  socket: RelaySocket,
  event: E,
  request: Parameters<ClientEvents[E]>[0],
): Promise<RelayAck> {
  return callAnything(socket, event, request)
}

/** The same socket as a hostile or broken client uses it: any event name, any arguments. */
export const untyped = (socket: RelaySocket): Socket => socket as unknown as Socket

/** Sends what no typed client could (any name, any arguments) and waits for the relay's ack. */
export function callAnything(socket: RelaySocket, event: string, ...args: unknown[]): Promise<RelayAck> {
  return untyped(socket)
    .timeout(5_000)
    .emitWithAck(event, ...args) as Promise<RelayAck>
}

/** Records every event of `eventName` a socket receives, and its room-info. */
export function listen(socket: RelaySocket, eventName: TestEvent = 'msg') {
  const received: unknown[] = []
  const roomInfo: RoomInfo[] = []
  socket.on(eventName, (payload) => received.push(payload))
  socket.on(RelayEvent.roomInfo, (info) => roomInfo.push(info))
  return { received, roomInfo }
}

export interface Member {
  socket: RelaySocket
  received: unknown[]
  roomInfo: RoomInfo[]
}

/** A member of `room` that has joined, with what it receives. */
export async function member(url: string, room: string, eventName: TestEvent = 'msg'): Promise<Member> {
  const socket = await client(url)
  const heard = listen(socket, eventName)
  const ack = await call(socket, RelayEvent.joinRoom, room)
  if (!ack.ok) throw new Error(`join failed: ${ack.error.message}`)
  return { socket, ...heard }
}

/** A member of a credentialed room (the product's rooms): it joins with a proof bound to its socket id. */
export async function credentialedMember(
  url: string,
  credential: ReturnType<typeof roomCredential>,
): Promise<Member> {
  const socket = await client(url)
  const heard = listen(socket)
  expectOk(
    await call(socket, RelayEvent.joinRoom, {
      roomName: credential.room,
      proof: credential.prove(socket.id ?? ''),
    }),
  )
  return { socket, ...heard }
}

/** Proves the relay still serves a well-behaved pair of clients in a room of their own. */
export async function expectRelayServes(
  url: string,
  room = `healthy-${Math.random().toString(36).slice(2)}`,
) {
  const a = await member(url, room)
  const b = await member(url, room)
  const payload = { check: room }
  expectOk(await call(a.socket, RelayEvent.broadcast, { roomName: room, eventName: 'msg', payload }))
  await vi.waitFor(() => {
    if (b.received.length !== 1) throw new Error('the healthy member got nothing')
  })
  return b.received[0]
}

export function expectOk(ack: RelayAck): void {
  if (!ack.ok) throw new Error(`expected ok, got ${ack.error.code}: ${ack.error.message}`)
}
