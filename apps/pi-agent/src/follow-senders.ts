import { followRoom } from '@keyroom/device-kit'
import { isRoomUpkeep, type MessageBody, type RoomUpkeep } from '@keyroom/key-events'
import type { RoomConnection, VerifiedMessage } from '@keyroom/room-client'

/** A message a Pi agent acts on: a key or pointer action (presence, pings, notices and byes are taken care of). */
export type SenderAction = VerifiedMessage & { body: Exclude<MessageBody, RoomUpkeep | { type: 'bye' }> }

export interface SenderHandlers {
  action(message: SenderAction): void
  /** The sender said bye or left the room: what it holds is released. */
  releaseSender(senderId: string, why: 'peer-bye' | 'peer-left'): void
  /** This agent's own connection dropped: everything is released. */
  releaseAll(why: string): void
}

/** How both Pi agents (pins, USB keyboard) follow the room's senders; returns the unsubscribe. */
export function followSenders(room: Pick<RoomConnection, 'on'>, handlers: SenderHandlers): () => void {
  return followRoom(room, {
    message(message) {
      const { body } = message
      if (body.type === 'bye') handlers.releaseSender(message.from, 'peer-bye')
      else if (!isRoomUpkeep(body)) handlers.action({ ...message, body })
    },
    senderGone: (id) => handlers.releaseSender(id, 'peer-left'),
    disconnected: (state) => handlers.releaseAll(`connection-${state}`),
  })
}
