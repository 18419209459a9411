import { describe, expectTypeOf, it } from 'vitest'
import { type ChordText, parseChordText, parseKeyName } from './chord-text.js'
import type { KeyCode } from './key-codes.js'
import type { Envelope, KeyAction } from './messages.js'
import type { PointerAction } from './pointer.js'
import type {
  ClientEvents,
  JoinRequest,
  RelayAck,
  RelayError,
  RelayEvent,
  RelayedEvents,
  RoomInfo,
  ServerEvents,
} from './relay-wire.js'
import { fail, type ProtocolError, type Result } from './result.js'

// Type-level tests: vitest's typecheck mode runs tsc on them (vitest.config.ts), so a wrong type fails `pnpm test`.
describe('wire types', () => {
  it('types the wire', () => {
    expectTypeOf<KeyAction>().toMatchTypeOf<{ type: string }>()
    expectTypeOf<Envelope['seq']>().toEqualTypeOf<number>()
    expectTypeOf<Extract<KeyAction, { type: 'key' }>['code']>().toEqualTypeOf<KeyCode>()
  })

  it('types the pointer union by its discriminant', () => {
    expectTypeOf<Extract<PointerAction, { type: 'button' }>['button']>().toEqualTypeOf<
      'left' | 'middle' | 'right'
    >()
  })

  it('gives an error its code as a type', () => {
    expectTypeOf(fail('invalid-link', 'the pairing link is empty')).toEqualTypeOf<
      Result<never, ProtocolError<'invalid-link'>>
    >()
    expectTypeOf(parseChordText).returns.toEqualTypeOf<Result<ChordText, ProtocolError<'invalid-chord'>>>()
    expectTypeOf(parseKeyName).returns.toEqualTypeOf<Result<KeyCode, ProtocolError<'invalid-key'>>>()
  })
})

describe('relay API event maps', () => {
  type Name = (typeof RelayEvent)[keyof typeof RelayEvent]

  it('name every relay event once, by its spelling in RelayEvent', () => {
    expectTypeOf<keyof ClientEvents>().toEqualTypeOf<
      'join-room' | 'leave-room' | 'broadcast' | 'broadcast-all'
    >()
    expectTypeOf<keyof ClientEvents | keyof ServerEvents>().toEqualTypeOf<Name>()
  })

  it('type each call and its ack, and what the relay sends', () => {
    expectTypeOf<Parameters<ClientEvents['join-room']>>().toEqualTypeOf<
      [request: string | JoinRequest, ack: (answer: RelayAck) => void]
    >()
    expectTypeOf<Parameters<ClientEvents['leave-room']>[0]>().toEqualTypeOf<string>()
    expectTypeOf<Parameters<ClientEvents['broadcast']>[0]>().toEqualTypeOf<{
      roomName: string
      eventName: string
      payload: unknown
    }>()
    expectTypeOf<ServerEvents['room-info']>().toEqualTypeOf<(info: RoomInfo) => void>()
    expectTypeOf<ServerEvents['disconnect-reason']>().toEqualTypeOf<(error: RelayError) => void>()
  })

  it('leave what members relay to each other unknown until parsed', () => {
    expectTypeOf<Parameters<RelayedEvents<'keyroom'>['keyroom']>[0]>().toBeUnknown()
  })
})
