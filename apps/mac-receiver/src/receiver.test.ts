import { captureLogger, createFakeRoom } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { createRecordingKeyboard } from '../test/recording-keyboard.js'
import { createReceiver } from './receiver.js'

const PHONE = 'phone-0001'
const peer = (id: string) => ({
  id,
  role: 'keypad' as const,
  name: 'phone',
  caps: { inject: false },
  lastSeen: 0,
})

function setup(
  options: { leaseMs?: number; unsupported?: Parameters<typeof createRecordingKeyboard>[0] } = {},
) {
  const room = createFakeRoom()
  const keyboard = createRecordingKeyboard(options.unsupported)
  const { logger, lines } = captureLogger()
  const receiver = createReceiver({
    room,
    keyboard,
    logger,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  })
  return { room, keyboard, receiver, lines }
}

describe('receiver', () => {
  it('turns key, chord and text actions into keyboard calls in order', async () => {
    const { room, keyboard, receiver } = setup()
    room.deliver(PHONE, { type: 'key', code: 'KeyA', phase: 'tap' })
    room.deliver(PHONE, { type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' })
    room.deliver(PHONE, { type: 'text', text: 'hi there' })
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'up' })
    await receiver.idle()
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'KeyA' },
      { action: 'up', code: 'KeyA' },
      { action: 'down', code: 'MetaLeft' },
      { action: 'down', code: 'ShiftLeft' },
      { action: 'down', code: 'Digit4' },
      { action: 'up', code: 'Digit4' },
      { action: 'up', code: 'ShiftLeft' },
      { action: 'up', code: 'MetaLeft' },
      { action: 'type', text: 'hi there' },
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
  })

  it('a chord leaves a modifier that is held down', async () => {
    const { room, keyboard, receiver } = setup()
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver(PHONE, { type: 'chord', modifiers: ['ShiftLeft', 'ControlLeft'], code: 'KeyT' })
    await receiver.idle()
    expect([...keyboard.down]).toEqual(['ShiftLeft'])
  })

  it('acts only on key actions', async () => {
    const { room, keyboard, receiver } = setup()
    room.deliver(PHONE, { type: 'ping', id: 1 })
    room.deliver(PHONE, { type: 'notice', level: 'info', code: 'x', message: 'hello' })
    room.deliver(PHONE, { type: 'hello', role: 'keypad', name: 'p', caps: { inject: false } })
    room.deliver(PHONE, { type: 'bye' })
    await receiver.idle()
    expect(keyboard.actions).toEqual([])
  })

  it('refuses a key this platform cannot inject with a log line and a notice, and keeps working', async () => {
    const { room, keyboard, receiver, lines } = setup({ unsupported: { unsupported: ['F13'] } })
    room.deliver(PHONE, { type: 'key', code: 'F13', phase: 'tap' })
    room.deliver(PHONE, { type: 'chord', modifiers: ['ControlLeft'], code: 'F13' })
    room.deliver(PHONE, { type: 'text', text: 'still here' })
    await receiver.idle()
    expect(room.sent).toEqual([
      expect.objectContaining({ type: 'notice', code: 'unsupported-key', ref: { from: PHONE, seq: 1 } }),
      expect.objectContaining({ type: 'notice', code: 'unsupported-key', ref: { from: PHONE, seq: 2 } }),
    ])
    expect(lines).toContainEqual(expect.objectContaining({ code: 'unsupported-key', key: 'F13', level: 40 }))
    // The chord's modifier went back up; the text after it was typed.
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ControlLeft' },
      { action: 'up', code: 'ControlLeft' },
      { action: 'type', text: 'still here' },
    ])
  })

  it('release-all releases what that sender holds', async () => {
    const { room, keyboard, receiver } = setup()
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver('tablet-01', { type: 'key', code: 'AltLeft', phase: 'down' })
    room.deliver(PHONE, { type: 'release-all' })
    await receiver.idle()
    expect([...keyboard.down]).toEqual(['AltLeft'])
  })

  it('releases a sender that leaves, and everything when the connection drops', async () => {
    const { room, keyboard, receiver } = setup()
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver('tablet-01', { type: 'key', code: 'AltLeft', phase: 'down' })
    room.emit('peer-left', peer(PHONE))
    await receiver.idle()
    expect([...keyboard.down]).toEqual(['AltLeft'])
    room.emit('state', 'connecting')
    await receiver.idle()
    expect(keyboard.down.size).toBe(0)
  })

  it('releases a held key when renewals stop', async () => {
    const { room, keyboard } = setup({ leaseMs: 100 })
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver(PHONE, { type: 'renew', codes: ['ShiftLeft'] })
    await vi.waitFor(() => expect(keyboard.down.has('ShiftLeft')).toBe(true))
    await vi.waitFor(() => expect(keyboard.down.size).toBe(0), { timeout: 2000 })
  })

  it('close releases everything and ignores later messages', async () => {
    const { room, keyboard, receiver } = setup()
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    await receiver.close()
    room.deliver(PHONE, { type: 'key', code: 'KeyA', phase: 'down' })
    await receiver.idle()
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
    expect(room.listenerCount()).toBe(0)
  })

  it('tells the keypad once in a while when injection is blocked', async () => {
    const room = createFakeRoom()
    const keyboard = createRecordingKeyboard()
    const receiver = createReceiver({
      room,
      keyboard,
      logger: captureLogger().logger,
      blocked: () => 'Accessibility permission missing',
    })
    room.deliver(PHONE, { type: 'key', code: 'KeyA', phase: 'tap' })
    room.deliver(PHONE, { type: 'key', code: 'KeyB', phase: 'tap' })
    await receiver.idle()
    expect(room.sent).toEqual([
      expect.objectContaining({
        code: 'blocked',
        message: 'Accessibility permission missing',
        level: 'error',
      }),
    ])
  })
})
