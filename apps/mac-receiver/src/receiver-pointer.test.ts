import { HOLD_LEASE_MS } from '@keyroom/key-events'
import { captureLogger, createFakeRoom } from '@keyroom/test-kit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRecordingKeyboard } from '../test/recording-keyboard.js'
import { createRecordingPointer } from '../test/recording-pointer.js'
import { createReceiver } from './receiver.js'

const PHONE = 'phone-0001'
const OTHER = 'phone-0002'

function setup() {
  const room = createFakeRoom()
  const keyboard = createRecordingKeyboard()
  const pointer = createRecordingPointer()
  const { logger } = captureLogger()
  const receiver = createReceiver({ room, keyboard, pointer, logger })
  return { room, keyboard, pointer, receiver }
}

afterEach(() => vi.useRealTimers())

describe('receiver: pointer', () => {
  it('moves, scrolls and clicks in order with the keys', async () => {
    const { room, keyboard, pointer, receiver } = setup()
    room.deliver(PHONE, { type: 'move', dx: 10, dy: -4 })
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'click' })
    room.deliver(PHONE, { type: 'key', code: 'KeyA', phase: 'tap' })
    room.deliver(PHONE, { type: 'scroll', dx: 0, dy: 120 })
    await receiver.idle()
    expect(pointer.actions).toEqual([
      { action: 'move', dx: 10, dy: -4 },
      { action: 'click', button: 'left' },
      { action: 'scroll', dx: 0, dy: 120 },
    ])
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'KeyA' },
      { action: 'up', code: 'KeyA' },
    ])
  })

  it('sums moves that pile up behind a slow action instead of replaying them, and keeps them after a button', async () => {
    const { room, pointer, receiver } = setup()
    let unblock = () => {}
    pointer.slowNextMove(new Promise<void>((resolve) => (unblock = resolve)))
    room.deliver(PHONE, { type: 'move', dx: 1, dy: 1 })
    await vi.waitFor(() => expect(pointer.moving()).toBe(true)) // running, slow
    for (let i = 0; i < 30; i++) room.deliver(PHONE, { type: 'move', dx: 2, dy: 0 })
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'down' })
    for (let i = 0; i < 5; i++) room.deliver(PHONE, { type: 'move', dx: 0, dy: 3 })
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'up' })
    unblock()
    await receiver.idle()
    expect(pointer.actions).toEqual([
      { action: 'move', dx: 1, dy: 1 },
      { action: 'move', dx: 60, dy: 0 },
      { action: 'press', button: 'left' },
      { action: 'move', dx: 0, dy: 15 },
      { action: 'release', button: 'left' },
    ])
  })

  it('releases a held button when its lease runs out, and keeps it while renewed', async () => {
    vi.useFakeTimers()
    const { room, pointer, receiver } = setup()
    room.deliver(PHONE, { type: 'button', button: 'right', phase: 'down' })
    await receiver.idle()
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(HOLD_LEASE_MS - 500)
      room.deliver(PHONE, { type: 'renew', codes: [], buttons: ['right'] })
    }
    await receiver.idle()
    expect([...pointer.down]).toEqual(['right'])
    await vi.advanceTimersByTimeAsync(HOLD_LEASE_MS + 1)
    await receiver.idle()
    expect([...pointer.down]).toEqual([])
    expect(pointer.actions.at(-1)).toEqual({ action: 'release', button: 'right' })
  })

  it('lets go of buttons on release-all, when the sender leaves and when the connection drops', async () => {
    const { room, pointer, receiver } = setup()
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'down' })
    room.deliver(PHONE, { type: 'release-all' })
    await receiver.idle()
    expect([...pointer.down]).toEqual([])

    room.deliver(PHONE, { type: 'button', button: 'middle', phase: 'down' })
    await receiver.idle()
    room.emit('peer-left', { id: PHONE, role: 'keypad', name: 'phone', caps: { inject: false }, lastSeen: 0 })
    await receiver.idle()
    expect([...pointer.down]).toEqual([])

    room.deliver(OTHER, { type: 'button', button: 'left', phase: 'down' })
    await receiver.idle()
    room.emit('state', 'offline')
    await receiver.idle()
    expect([...pointer.down]).toEqual([])
  })

  it('holds a button two phones hold until the last lets go', async () => {
    const { room, pointer, receiver } = setup()
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'down' })
    room.deliver(OTHER, { type: 'button', button: 'left', phase: 'down' })
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'up' })
    await receiver.idle()
    expect([...pointer.down]).toEqual(['left'])
    room.deliver(OTHER, { type: 'button', button: 'left', phase: 'up' })
    await receiver.idle()
    expect(pointer.actions.filter((a) => a.action === 'press')).toHaveLength(1)
    expect([...pointer.down]).toEqual([])
  })

  it('ignores pointer messages without a pointer', async () => {
    const room = createFakeRoom()
    const keyboard = createRecordingKeyboard()
    const receiver = createReceiver({ room, keyboard, logger: captureLogger().logger })
    room.deliver(PHONE, { type: 'move', dx: 1, dy: 1 })
    room.deliver(PHONE, { type: 'button', button: 'left', phase: 'down' })
    await receiver.idle()
    expect(keyboard.actions).toEqual([])
    expect(room.sent).toEqual([])
  })
})
