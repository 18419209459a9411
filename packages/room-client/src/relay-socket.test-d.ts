import { KEYROOM_EVENT, type RelayAck, RelayEvent, type RoomInfo } from '@keyroom/key-events'
import { describe, expectTypeOf, it } from 'vitest'
import type { RelaySocket } from './relay-socket.js'

// Type-level only (vitest typecheck mode): nothing here runs, so the socket need not exist.
declare const socket: RelaySocket

describe('the relay socket', () => {
  it('types calls and their acks by the relay API event maps', () => {
    socket.emit(RelayEvent.joinRoom, { roomName: 'k1.x', proof: 'p' }, (ack) => {
      expectTypeOf(ack).toEqualTypeOf<RelayAck>()
    })
    socket
      .timeout(1000)
      .emit(RelayEvent.broadcast, { roomName: 'r', eventName: 'keyroom', payload: 1 }, (err, ack) => {
        expectTypeOf(err).toEqualTypeOf<Error>()
        expectTypeOf(ack).toEqualTypeOf<RelayAck>()
      })
    // @ts-expect-error the relay has no such call
    socket.emit('make-me-admin', {}, () => undefined)
    // @ts-expect-error a room name is a string
    socket.emit(RelayEvent.leaveRoom, 42, () => undefined)
    // @ts-expect-error keyroom's clients always ask for the ack
    socket.emit(RelayEvent.joinRoom, 'r')
  })

  it('types what it hears: room-info from the relay, unknown payloads from the members', () => {
    socket.on(RelayEvent.roomInfo, (info) => expectTypeOf(info).toEqualTypeOf<RoomInfo>())
    socket.on(KEYROOM_EVENT, (payload) => expectTypeOf(payload).toBeUnknown())
    // @ts-expect-error only the relay's own events and `keyroom` are heard
    socket.on('msg', () => undefined)
  })
})
