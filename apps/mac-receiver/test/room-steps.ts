import type { KeyCode, ModifierCode } from '@keyroom/key-events'
import type { FakeRoom } from '@keyroom/test-kit'
import fc from 'fast-check'
import { vi } from 'vitest'

/** The receivers' property tests: random sequences of everything a room can do to a receiver. */
export interface RoomStepOptions {
  senders: readonly string[]
  /** Codes for key steps and renewals. */
  keys: readonly KeyCode[]
  modifiers: readonly ModifierCode[]
  /** The keys a chord ends on. */
  chordKeys: readonly KeyCode[]
  maxChordModifiers: number
  texts: readonly string[]
  /** The longest a `time` step waits. */
  maxWaitMs: number
}

export function roomSteps(options: RoomStepOptions) {
  const sender = fc.constantFrom(...options.senders)
  const code = fc.constantFrom(...options.keys)
  return fc.oneof(
    fc.record({ kind: fc.constant('down' as const), from: sender, code }),
    fc.record({ kind: fc.constant('up' as const), from: sender, code }),
    fc.record({ kind: fc.constant('tap' as const), from: sender, code }),
    fc.record({
      kind: fc.constant('chord' as const),
      from: sender,
      modifiers: fc.uniqueArray(fc.constantFrom(...options.modifiers), {
        minLength: 1,
        maxLength: options.maxChordModifiers,
      }),
      code: fc.constantFrom(...options.chordKeys),
    }),
    fc.record({ kind: fc.constant('text' as const), from: sender, text: fc.constantFrom(...options.texts) }),
    fc.record({
      kind: fc.constant('renew' as const),
      from: sender,
      codes: fc.uniqueArray(code, { minLength: 1 }),
    }),
    fc.record({ kind: fc.constant('release-all' as const), from: sender }),
    fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 1, max: options.maxWaitMs }) }),
    fc.record({ kind: fc.constant('peer-left' as const), from: sender }),
    fc.record({ kind: fc.constant('socket-drop' as const) }),
  )
}

export type RoomStep = ReturnType<typeof roomSteps> extends fc.Arbitrary<infer T> ? T : never

/** Plays one step into the fake room: a verified message, a sender leaving, the socket dropping, or fake time. */
export async function playStep(room: FakeRoom, step: RoomStep): Promise<void> {
  switch (step.kind) {
    case 'down':
    case 'up':
    case 'tap':
      room.deliver(step.from, { type: 'key', code: step.code, phase: step.kind })
      return
    case 'chord':
      room.deliver(step.from, { type: 'chord', modifiers: step.modifiers, code: step.code })
      return
    case 'text':
      room.deliver(step.from, { type: 'text', text: step.text })
      return
    case 'renew':
      room.deliver(step.from, { type: 'renew', codes: step.codes })
      return
    case 'release-all':
      room.deliver(step.from, { type: 'release-all' })
      return
    case 'time':
      await vi.advanceTimersByTimeAsync(step.ms)
      return
    case 'peer-left':
      room.emit('peer-left', {
        id: step.from,
        role: 'keypad',
        name: 'phone',
        caps: { inject: false },
        lastSeen: 0,
      })
      return
    case 'socket-drop':
      room.emit('state', 'offline')
      room.emit('state', 'connected')
      return
  }
}
