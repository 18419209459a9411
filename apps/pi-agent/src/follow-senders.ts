import { type FollowedRoom, followRoom } from '@keyroom/device-kit'
import { isKeyAction, isPointerAction, type KeyAction, type PointerAction } from '@keyroom/key-events'
import type { RoomMessage } from '@keyroom/room-client'

/**
 * A message a Pi agent acts on: a key or pointer action from an approved device, within its permissions (the
 * device room refuses the rest with a notice). Presence, pings, notices and byes are taken care of.
 */
export type SenderAction = RoomMessage & { body: KeyAction | PointerAction }

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

/** How both Pi agents (pins, USB keyboard) follow the room's senders, over device-kit's `followRoom`. */
export function followSenders(room: FollowedRoom, handlers: SenderHandlers): () => void {
  return followRoom(room, {
    message(message) {
      const { body } = message
      if (isKeyAction(body) || isPointerAction(body)) handlers.action({ ...message, body })
    },
    // Also emitted when a device is revoked while it holds something (connect-device.ts `judge`).
    senderGone: (senderId) => handlers.releaseSender(senderId, 'peer-left'),
    disconnected: (state) => handlers.releaseAll(`connection-${state}`),
  })
}
