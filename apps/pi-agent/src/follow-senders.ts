import { isRoomUpkeep, type MessageBody, type RoomUpkeep } from '@keyroom/key-events'
import type { DeviceMessage, DeviceRoomConnection } from '@keyroom/room-client'

/**
 * A message a Pi agent acts on: a key or pointer action from an approved device, within its permissions (the
 * device room refuses the rest with a notice). Presence, pings, notices and byes are taken care of.
 */
export type SenderAction = DeviceMessage & { body: Exclude<MessageBody, RoomUpkeep | { type: 'bye' }> }

export interface SenderHandlers {
  action(message: SenderAction): void
  /**
   * The sender left the room, or is no longer approved (revoked): what it holds is released. Keyed by its session id,
   * which only its own authenticated session can speak for.
   */
  releaseSender(senderId: string, why: 'peer-left'): void
  /** This agent's own connection dropped: everything is released. */
  releaseAll(why: string): void
}

/** How both Pi agents (pins, USB keyboard) follow the room's senders; returns the unsubscribe. */
export function followSenders(room: Pick<DeviceRoomConnection, 'on'>, handlers: SenderHandlers): () => void {
  const offs = [
    room.on('message', (message) => {
      const { body } = message
      if (body.type !== 'bye' && !isRoomUpkeep(body)) handlers.action({ ...message, body })
    }),
    // Also emitted when a device is revoked while it holds something (connect-device.ts `judge`).
    room.on('peer-left', (peer) => handlers.releaseSender(peer.id, 'peer-left')),
    room.on('state', (state) => {
      if (state !== 'connected') handlers.releaseAll(`connection-${state}`)
    }),
  ]
  return () => {
    for (const off of offs) off()
  }
}
