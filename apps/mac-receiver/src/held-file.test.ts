import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureLogger, createFakeRoom, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { createLibnutMac } from '../test/libnut-mac.js'
import { createRecordingKeyboard } from '../test/recording-keyboard.js'
import { createRecordingPointer } from '../test/recording-pointer.js'
import {
  HELD_FILE,
  NOTHING_HELD,
  openHeldFile,
  releaseLeftoverButtons,
  releaseLeftovers,
} from './held-file.js'
import { keyboardOverNative } from './nut-keyboard.js'
import { createPressedKeys } from './pressed-keys.js'
import { createReceiver } from './receiver.js'
import { createSerial } from './serial.js'

describe('held keys on disk', () => {
  it('keeps the latest list, replaced whole (no temporary file left), and creates its directory', async () => {
    const dir = join(tempDir('keyroom-receiver-'), 'not-yet')
    const path = join(dir, HELD_FILE)
    const { logger } = captureLogger()
    const file = openHeldFile(path, logger)
    expect(file.read()).toEqual(NOTHING_HELD)
    file.write({ keys: ['ShiftLeft'], buttons: [] })
    file.write({ keys: ['ShiftLeft', 'KeyA'], buttons: ['left'] })
    expect(openHeldFile(path, logger).read()).toEqual({ keys: ['ShiftLeft', 'KeyA'], buttons: ['left'] })
    file.write(NOTHING_HELD)
    expect(openHeldFile(path, logger).read()).toEqual(NOTHING_HELD)
    expect(readdirSync(dir)).toEqual([HELD_FILE])
  })

  it.each([
    ['not JSON', '{"down": [', 'held keys file is not JSON: ignored', NOTHING_HELD],
    ['no list', '{"down": "KeyA"}', 'held keys file has no "down" list: ignored', NOTHING_HELD],
    ['null', 'null', 'held keys file has no "down" list: ignored', NOTHING_HELD],
    [
      'buttons not a list',
      '{"down": [], "buttons": "left"}',
      'held keys file has no "down" list: ignored',
      NOTHING_HELD,
    ],
    [
      'unknown names',
      JSON.stringify({
        down: ['KeyA', 'toString', '__proto__', 'constructor', 42, null, 'KeyA'],
        buttons: ['left', 'hasOwnProperty', 'left', 7],
      }),
      'held keys file names unknown keys: those ignored',
      { keys: ['KeyA'], buttons: ['left'] },
    ],
  ])(
    'a file with %s is read as what it safely names, with a warning',
    async (_name, text, warning, codes) => {
      const path = join(tempDir('keyroom-receiver-'), HELD_FILE)
      writeFileSync(path, text)
      const { logger, lines } = captureLogger()
      expect(openHeldFile(path, logger).read()).toEqual(codes)
      expect(lines).toContainEqual(expect.objectContaining({ msg: warning }))
    },
  )

  it('pressed keys are on record before they go down and off it once they are up', async () => {
    const path = join(tempDir('keyroom-receiver-'), HELD_FILE)
    const { logger } = captureLogger()
    const file = openHeldFile(path, logger)
    const onDisk = () => JSON.parse(readFileSync(path, 'utf8')).down
    const keyboard = createRecordingKeyboard({ failRelease: ['KeyB'] })
    const seen: unknown[] = []
    const pressed = createPressedKeys({
      keyboard: {
        ...keyboard,
        async pressKey(code) {
          seen.push(onDisk()) // what a crash during this press would leave
          await keyboard.pressKey(code)
        },
      },
      logger,
      serial: createSerial(),
      platform: 'linux',
      record: (down) => file.write({ keys: down, buttons: [] }),
    })
    await pressed.press('ShiftLeft')
    await pressed.press('KeyA')
    expect(seen).toEqual([['ShiftLeft'], ['ShiftLeft', 'KeyA']])
    await pressed.release('ShiftLeft')
    expect(onDisk()).toEqual(['KeyA'])
    await pressed.press('KeyB')
    await expect(pressed.release('KeyB')).rejects.toThrow('release of KeyB failed')
    // A release that failed stays on record: a crash now, and the next start tries again.
    expect(onDisk()).toEqual(['KeyA', 'KeyB'])
  })

  it('at start, X11 releases what the last run left down (no press: a letter would type again), letters first', async () => {
    const keyboard = createRecordingKeyboard({ failRelease: ['ShiftRight'] })
    const { logger, lines } = captureLogger()
    await releaseLeftovers(keyboard, ['ShiftRight', 'ShiftLeft', 'KeyA', 'KeyB'], 'linux', logger)
    // A still repeats until it is up: Shift first would let a repeat type a lower-case a.
    expect(keyboard.actions).toEqual([
      { action: 'up', code: 'KeyB' },
      { action: 'up', code: 'KeyA' },
      { action: 'up', code: 'ShiftLeft' },
    ])
    expect(lines).toContainEqual(
      expect.objectContaining({ code: 'ShiftRight', msg: 'could not release a key the last run left down' }),
    )
  })

  it('at start, macOS presses and releases a leftover modifier, so libnut’s flag buffer ends clear', async () => {
    const mac = createLibnutMac()
    const { logger } = captureLogger()
    await releaseLeftovers(
      keyboardOverNative(mac, { platform: 'darwin' }),
      ['ShiftLeft', 'MetaLeft', 'KeyA'],
      'darwin',
      logger,
    )
    expect(mac.flagBuffer()).toBe(0)
    expect(mac.events.map((e) => (e.kind === 'key' ? [e.key, e.down] : e))).toEqual([
      ['A', false],
      ['LeftCmd', true],
      ['LeftCmd', false],
      ['LeftShift', true],
      ['LeftShift', false],
    ])
    expect(mac.down().size).toBe(0)
  })

  it('the receiver records held mouse buttons too, and a start releases what a crash left down', async () => {
    const path = join(tempDir('keyroom-receiver-'), HELD_FILE)
    const { logger } = captureLogger()
    const file = openHeldFile(path, logger)
    const room = createFakeRoom()
    const pointer = createRecordingPointer()
    createReceiver({
      room,
      keyboard: createRecordingKeyboard(),
      pointer,
      logger,
      recordHeld: (held) => file.write(held),
    })
    room.deliver('phone-0001', { type: 'button', button: 'left', phase: 'down' })
    room.deliver('phone-0001', { type: 'key', code: 'ShiftLeft', phase: 'down' })
    await vi.waitFor(() =>
      expect(openHeldFile(path, logger).read()).toEqual({ keys: ['ShiftLeft'], buttons: ['left'] }),
    )
    // The process dies here. The next one:
    const next = createRecordingPointer()
    const start = captureLogger()
    await releaseLeftoverButtons(next, file.read().buttons, start.logger)
    expect(next.actions).toEqual([{ action: 'release', button: 'left' }])
    expect(start.lines).toContainEqual(
      expect.objectContaining({
        button: 'left',
        reason: 'left down by the last run',
        msg: 'released button',
      }),
    )
  })
})
