import { captureLogger } from '@keyroom/test-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLibnutMac, MAC_FLAGS } from '../test/libnut-mac.js'
import type { NutKeyName } from './key-map.js'
import { REPEAT_STALL_MS } from './key-repeat.js'
import { keyboardOverNative, type NativeKeyboard } from './nut-keyboard.js'
import { createPressedKeys, releaseOrder } from './pressed-keys.js'
import { createSerial } from './serial.js'

beforeEach(() => void vi.useFakeTimers())
afterEach(() => void vi.useRealTimers())

function onMac(options: { poster?: boolean } = {}) {
  const mac = createLibnutMac()
  const poster = mac.repeatPoster()
  const serial = createSerial()
  const { logger, lines } = captureLogger()
  const pressed = createPressedKeys({
    keyboard: keyboardOverNative(mac, {
      platform: 'darwin',
      logger,
      ...(options.poster ? { repeatPoster: poster } : {}),
    }),
    logger,
    serial,
    platform: 'darwin',
    repeat: { delayMs: 300, intervalMs: 100 },
  })
  return { mac, poster, pressed, serial, lines }
}

/** libnut on Linux, as far as the receiver sees it: key-downs and key-ups, and the X server repeats on its own. */
function onX11() {
  const events: Array<[NutKeyName, 'down' | 'up']> = []
  const native: NativeKeyboard = {
    pressKey: async (key) => void events.push([key, 'down']),
    releaseKey: async (key) => void events.push([key, 'up']),
    type: async () => undefined,
  }
  const serial = createSerial()
  const { logger, lines } = captureLogger()
  const pressed = createPressedKeys({
    keyboard: keyboardOverNative(native, { platform: 'linux' }),
    logger,
    serial,
    platform: 'linux',
  })
  return { events, pressed, serial, lines }
}

describe('pressed keys', () => {
  it('never releases a key keyroom did not press: no flag turns on by itself on macOS', async () => {
    const { mac, pressed, lines } = onMac()
    await pressed.release('ShiftLeft')
    await pressed.release('MetaLeft')
    await pressed.tap('KeyA')
    expect(mac.events.filter((e) => e.kind === 'key').map((e) => e.flags)).toEqual([0, 0])
    expect(mac.flagBuffer()).toBe(0)
    expect(lines.filter((l) => l.msg === 'not released: keyroom did not press it')).toHaveLength(2)
  })

  it('macOS: both Shifts are one key, so releasing them in any order leaves no flag on', async () => {
    const { mac, pressed } = onMac()
    expect(await pressed.press('ShiftLeft')).toBe(true)
    expect(await pressed.press('ShiftRight')).toBe(true)
    await pressed.release('ShiftLeft')
    await pressed.tap('KeyB')
    expect(mac.events.at(-2)).toMatchObject({ key: 'B', down: true, flags: MAC_FLAGS.shift })
    await pressed.release('ShiftRight')
    expect(mac.flagBuffer()).toBe(0)
    expect(mac.down()).toEqual(new Set())
    expect(mac.events.filter((e) => e.kind === 'key' && e.key !== 'B')).toEqual([
      { kind: 'key', key: 'LeftShift', down: true, flags: MAC_FLAGS.shift, autorepeat: false },
      { kind: 'key', key: 'LeftShift', down: false, flags: 0, autorepeat: false },
    ])
  })

  it('a second press of a held key sends nothing and says so', async () => {
    const { mac, pressed } = onMac()
    expect(await pressed.press('ControlLeft')).toBe(true)
    expect(await pressed.press('ControlLeft')).toBe(false)
    expect(mac.events).toHaveLength(1)
  })

  it('macOS: a held key repeats as further key-downs after the delay, while renewals come', async () => {
    const { mac, pressed, serial } = onMac()
    await pressed.press('ArrowLeft')
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(500)
      pressed.touch('ArrowLeft')
    }
    await serial.idle()
    const downs = mac.events.filter((e) => e.kind === 'key' && e.key === 'Left' && e.down)
    // The press at 0, then repeats at 300, 400 … 1500.
    expect(downs).toHaveLength(1 + 13)
    await pressed.release('ArrowLeft')
    await vi.advanceTimersByTimeAsync(2_000)
    expect(mac.events.at(-1)).toMatchObject({ key: 'Left', down: false })
  })

  it('macOS: repeats stop REPEAT_STALL_MS after the last renewal even though the key is still down', async () => {
    const { mac, pressed, serial } = onMac()
    await pressed.press('Backspace')
    await vi.advanceTimersByTimeAsync(REPEAT_STALL_MS + 5_000)
    await serial.idle()
    const downs = mac.events.filter((e) => e.kind === 'key' && e.down)
    // The press, then one repeat every 100 ms from 300 ms on, up to (not at) the stall.
    expect(downs).toHaveLength(1 + Math.ceil((REPEAT_STALL_MS - 300) / 100))
    expect(pressed.isDown('Backspace')).toBe(true)
  })

  it('macOS: repeats are key-downs marked as autorepeat, with the held modifiers, and none after the key-up', async () => {
    const { mac, pressed, serial } = onMac({ poster: true })
    await pressed.press('ShiftLeft')
    await pressed.press('ArrowLeft')
    await vi.advanceTimersByTimeAsync(450)
    pressed.touch('ArrowLeft')
    await serial.idle()
    const repeats = mac.events.filter((e) => e.kind === 'repeat')
    // Repeats at 300 and 400 ms: the arrow's macOS key code (kVK_LeftArrow), Shift's flag as libnut has it.
    expect(repeats).toEqual([
      expect.objectContaining({
        macKey: { kind: 'key', code: 0x7b },
        flags: MAC_FLAGS.shift,
        libnutFlags: MAC_FLAGS.shift,
      }),
      expect.objectContaining({ macKey: { kind: 'key', code: 0x7b }, flags: MAC_FLAGS.shift }),
    ])
    // libnut posted no unmarked key-down for the arrow after its press.
    expect(mac.events.filter((e) => e.kind === 'key' && e.key === 'Left' && e.down)).toHaveLength(1)
    await pressed.release('ArrowLeft')
    await vi.advanceTimersByTimeAsync(2_000)
    await serial.idle()
    expect(mac.events.at(-1)).toMatchObject({ kind: 'key', key: 'Left', down: false })
    await pressed.release('ShiftLeft')
    expect(mac.flagBuffer()).toBe(0)
  })

  it('macOS: a tap of a held key is a marked repeat too; media keys repeat as system-defined events', async () => {
    const { mac, pressed } = onMac({ poster: true })
    await pressed.press('KeyA')
    await pressed.tap('KeyA')
    await pressed.press('AudioVolumeUp')
    await pressed.tap('AudioVolumeUp')
    expect(mac.events.filter((e) => e.kind === 'repeat').map((e) => e.kind === 'repeat' && e.macKey)).toEqual(
      [
        { kind: 'key', code: 0x00 },
        { kind: 'media', code: 0 },
      ],
    )
  })

  it('macOS: when the poster breaks, repeats go on as unmarked key-downs and the log says so once', async () => {
    const { mac, poster, pressed, serial, lines } = onMac({ poster: true })
    await pressed.press('Backspace')
    await vi.advanceTimersByTimeAsync(350)
    poster.break('the repeat poster exited (SIGKILL)')
    await vi.advanceTimersByTimeAsync(200)
    await serial.idle()
    expect(mac.events.filter((e) => e.kind === 'repeat')).toHaveLength(1)
    expect(mac.events.filter((e) => e.kind === 'key' && e.key === 'Backspace' && e.down)).toHaveLength(3)
    expect(lines.filter((l) => l.msg === 'key repeats are no longer marked as autorepeat')).toHaveLength(1)
  })

  it('X11: no repeats of its own (the server repeats); a stalled key is let go and pressed again on renewal', async () => {
    const { events, pressed, serial, lines } = onX11()
    await pressed.press('KeyA')
    await vi.advanceTimersByTimeAsync(REPEAT_STALL_MS)
    await serial.idle()
    expect(events).toEqual([
      ['A', 'down'],
      ['A', 'up'],
    ])
    expect(lines).toContainEqual(
      expect.objectContaining({ code: 'KeyA', msg: expect.stringContaining('stops') }),
    )
    pressed.touch('KeyA')
    await serial.idle()
    expect(events.at(-1)).toEqual(['A', 'down'])
    // A tap of a stalled key is a real tap and leaves it up.
    await vi.advanceTimersByTimeAsync(REPEAT_STALL_MS)
    await serial.idle()
    await pressed.tap('KeyA')
    expect(events.slice(-3)).toEqual([
      ['A', 'up'],
      ['A', 'down'],
      ['A', 'up'],
    ])
    // Releasing it then sends nothing: it is up already.
    await pressed.release('KeyA')
    expect(events).toHaveLength(6)
    // Released while stalled: nothing more is sent.
    await pressed.press('KeyB')
    await vi.advanceTimersByTimeAsync(REPEAT_STALL_MS)
    await serial.idle()
    await pressed.release('KeyB')
    expect(events.slice(-2)).toEqual([
      ['B', 'down'],
      ['B', 'up'],
    ])
  })

  it('a tap of a held key repeats it and leaves it down', async () => {
    const { mac, pressed } = onMac()
    await pressed.press('KeyC')
    await pressed.tap('KeyC')
    expect(mac.events.map((e) => e.kind === 'key' && [e.key, e.down])).toEqual([
      ['C', true],
      ['C', true],
    ])
    expect(pressed.isDown('KeyC')).toBe(true)
  })

  it('lets go of other keys before modifiers, each last-pressed first', () => {
    expect(releaseOrder(['ShiftLeft', 'KeyA', 'ControlLeft', 'ArrowLeft', 'AltLeft'])).toEqual([
      'ArrowLeft',
      'KeyA',
      'AltLeft',
      'ControlLeft',
      'ShiftLeft',
    ])
  })

  it('releaseAll lets go of everything keyroom pressed, each once', async () => {
    const { mac, pressed } = onMac()
    await pressed.press('ShiftLeft')
    await pressed.press('ShiftRight')
    await pressed.press('KeyZ')
    await pressed.releaseAll()
    expect(mac.down()).toEqual(new Set())
    expect(mac.flagBuffer()).toBe(0)
    expect(pressed.down()).toEqual([])
  })
})
