import { EventEmitter } from 'node:events'
import { handleSignals } from '@keyroom/device-kit'
import { captureLogger, createFakeRoom } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { createRecordingKeyboard } from '../test/recording-keyboard.js'
import { createReceiver } from './receiver.js'

function setup() {
  const proc = new EventEmitter()
  const room = createFakeRoom()
  const keyboard = createRecordingKeyboard()
  const { logger, lines } = captureLogger()
  const receiver = createReceiver({ room, keyboard, logger })
  const exits: number[] = []
  handleSignals({
    proc,
    logger,
    stop: (crashed) => receiver.close(crashed ? 'uncaught-error' : 'shutdown'),
    exit: (code) => exits.push(code),
  })
  room.deliver('phone-0001', { type: 'key', code: 'ShiftLeft', phase: 'down' })
  return { proc, keyboard, lines, exits, receiver }
}

describe('shutdown', () => {
  it('an uncaught exception releases held keys, then exits 1', async () => {
    const { proc, keyboard, lines, exits, receiver } = setup()
    await receiver.idle()
    expect(keyboard.down.has('ShiftLeft')).toBe(true)
    proc.emit('uncaughtException', new Error('boom'))
    await vi.waitFor(() => expect(exits).toEqual([1]))
    expect(keyboard.down.size).toBe(0)
    expect(lines).toContainEqual(expect.objectContaining({ code: 'ShiftLeft', reason: 'uncaught-error' }))
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'uncaught exception', level: 60 }))
  })

  it('an unhandled rejection does the same; SIGINT exits 0, once', async () => {
    const first = setup()
    first.proc.emit('unhandledRejection', new Error('nope'))
    await vi.waitFor(() => expect(first.exits).toEqual([1]))
    expect(first.keyboard.down.size).toBe(0)

    const second = setup()
    second.proc.emit('SIGINT')
    second.proc.emit('SIGTERM')
    await vi.waitFor(() => expect(second.exits).toEqual([0]))
    expect(second.keyboard.actions.at(-1)).toEqual({ action: 'up', code: 'ShiftLeft' })
  })
})
