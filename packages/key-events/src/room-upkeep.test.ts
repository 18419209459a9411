import { describe, expect, it } from 'vitest'
import { isKeyAction, isPointerAction, isRoomUpkeep, MessageBody } from './messages.js'

describe('isRoomUpkeep', () => {
  it('sorts every message type into exactly one of: key action, pointer action, room upkeep, bye', () => {
    const types: string[] = MessageBody.def.options.flatMap((option) => option.shape.type.def.values)
    const kinds = Object.fromEntries(
      types.map((type) => {
        const body = { type } as MessageBody
        const kind = [
          isKeyAction(body) && 'key',
          isPointerAction(body) && 'pointer',
          isRoomUpkeep(body) && 'upkeep',
          type === 'bye' && 'bye',
        ].filter(Boolean)
        return [type, kind]
      }),
    )
    expect(kinds).toEqual({
      key: ['key'],
      chord: ['key'],
      text: ['key'],
      renew: ['key'],
      'release-all': ['key'],
      move: ['pointer'],
      scroll: ['pointer'],
      button: ['pointer'],
      hello: ['upkeep'],
      bye: ['bye'],
      ping: ['upkeep'],
      pong: ['upkeep'],
      notice: ['upkeep'],
      status: ['upkeep'],
      pair: ['upkeep'],
      receipt: ['upkeep'],
      manage: ['upkeep'],
      devices: ['upkeep'],
    })
  })
})
