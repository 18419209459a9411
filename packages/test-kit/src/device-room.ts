import {
  fromBase64url,
  isKeyAction,
  isPointerAction,
  KEYROOM_EVENT,
  type MessageBody,
  type RelayAck,
  RelayEvent,
  type Role,
  roomCredential,
} from '@keyroom/key-events'
import {
  type ConnectDeviceOptions,
  connectDevice,
  createIdentity,
  createRoomId,
  type DeviceLink,
  type DeviceMessage,
  type DevicePeer,
  type DeviceRejection,
  type DeviceRoomConnection,
} from '@keyroom/room-client'
import { type DeviceStore, openDeviceStore } from '@keyroom/room-client/device-store'
import { io, type Socket } from 'socket.io-client'
import { vi } from 'vitest'
import { type Cleanup, perTest } from './cleanup.js'
import { tempDir } from './temp-dir.js'

/** A receiver's or agent's state dir as `pair` leaves it: its identity, a room, an open pairing window. */
export interface PairedDevice {
  configDir: string
  store: DeviceStore
  /** The link `pair` prints: a keypad that opens it within the window is approved. */
  link: DeviceLink
}

/**
 * Pairs a device's state dir as `<tool> pair` does (a new room on `relay`, or `room` to share another device's), with
 * a pairing window of `windowSeconds`. The dir is removed when the test ends.
 */
export function pairDeviceDir(
  relay: string,
  options: { name?: string; room?: string; windowSeconds?: number; configDir?: string } = {},
  cleanup: Cleanup = perTest,
): PairedDevice {
  const configDir = options.configDir ?? tempDir('keyroom-device-', cleanup)
  const store = openDeviceStore(configDir)
  const room = { relay, room: options.room ?? createRoomId() }
  store.setRoom(room)
  const pairingSecret = store.openWindow(options.windowSeconds ?? 600)
  return {
    configDir,
    store,
    link: { ...room, peer: store.identity().publicKey, name: options.name ?? 'device', pairingSecret },
  }
}

export type DeviceMember = DeviceRoomConnection & { received: DeviceMessage[]; rejected: DeviceRejection[] }

/**
 * A keypad (or any device) with a fresh identity that opened `link` (and trusts the receivers in `extra.trusted`),
 * recording what it hears and rejects, connected to the relay and closed when the test ends.
 */
export async function joinAsDevice(
  link: DeviceLink,
  role: Role,
  name: string,
  extra: Partial<ConnectDeviceOptions> = {},
  cleanup: Cleanup = perTest,
): Promise<DeviceMember> {
  const device = connectDevice({ link, identity: createIdentity(), role, name, ...extra })
  const received: DeviceMessage[] = []
  const rejected: DeviceRejection[] = []
  device.on('message', (m) => received.push(m))
  device.on('reject', (r) => rejected.push(r))
  cleanup(() => device.close())
  await vi.waitFor(
    () => {
      if (device.state !== 'connected') throw new Error(`still ${device.state}`)
    },
    { timeout: 15_000 },
  )
  return Object.assign(device, { received, rejected })
}

/**
 * The receiver or agent whose state dir `pairDeviceDir` made, in its room: its own identity, its store as gate (so
 * a keypad that opened its link within the window is approved), recording what it hears and rejects. For tests
 * of the room itself; an app's receiver joins with device-kit's `joinDeviceRoom`.
 */
export function joinAsReceiver(
  paired: PairedDevice,
  role: Role,
  name: string,
  extra: Partial<ConnectDeviceOptions> = {},
  cleanup: Cleanup = perTest,
): Promise<DeviceMember> {
  const { relay, room } = paired.link
  return joinAsDevice(
    { relay, room },
    role,
    name,
    { identity: paired.store.identity(), gate: paired.store.gate(), caps: { inject: true }, ...extra },
    cleanup,
  )
}

/** The key and pointer actions among what a device heard (presence, pings, statuses and notices left out). */
export const keyActions = (messages: { body: MessageBody }[]) =>
  messages.map((m) => m.body).filter((b) => isKeyAction(b) || isPointerAction(b))

/** The notices a device heard. */
export const notices = (device: { received: { body: MessageBody }[] }) =>
  device.received.map((m) => m.body).filter((body) => body.type === 'notice')

/** Waits until `device` has a session with a peer of this name; with `state`, until that peer's verdict on us is it. */
export async function waitForDevice(
  device: DeviceRoomConnection,
  name: string,
  state?: 'approved' | 'pending' | 'revoked',
  timeout = 15_000,
): Promise<DevicePeer> {
  return vi.waitFor(
    () => {
      const peer = device.peers().find((p) => p.name === name)
      if (!peer) throw new Error(`${name} not in the room yet`)
      if (state && peer.status?.state !== state)
        throw new Error(`${name} says ${peer.status?.state ?? 'nothing'} yet, not ${state}`)
      return peer
    },
    { timeout, interval: 50 },
  )
}

/** A frame as the relay passes it on: who sent it (a session id), to whom, and its kind. */
export interface RoomFrame {
  k: string
  from: string
  to?: string
}

/**
 * Someone who has the room's link (so the relay lets it in) but no approved device identity: a plain socket.io client
 * that joins with the room credential, records every frame the others send, and can broadcast anything.
 */
export interface RoomMember {
  socket: Socket
  joined: RelayAck
  captured: RoomFrame[]
  broadcast(payload: unknown): Promise<void>
}

export async function joinAsRoomMember(
  relayUrl: string,
  room: string,
  cleanup: Cleanup = perTest,
): Promise<RoomMember> {
  const credential = roomCredential(fromBase64url(room) ?? new Uint8Array())
  const socket: Socket = io(relayUrl, { transports: ['websocket'] })
  cleanup(() => socket.disconnect())
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
  const captured: RoomFrame[] = []
  socket.on(KEYROOM_EVENT, (frame: RoomFrame) => captured.push(frame))
  const joined = await new Promise<RelayAck>((resolve) =>
    socket.emit(
      RelayEvent.joinRoom,
      { roomName: credential.room, proof: credential.prove(socket.id ?? '') },
      resolve,
    ),
  )
  return {
    socket,
    joined,
    captured,
    broadcast: (payload) =>
      new Promise<void>((resolve) =>
        socket.emit(
          RelayEvent.broadcast,
          { roomName: credential.room, eventName: KEYROOM_EVENT, payload },
          () => resolve(),
        ),
      ),
  }
}
