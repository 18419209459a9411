import { HOLD_LEASE_MS, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import { captureLogger, createFakeRoom, tempDir } from '@keyroom/test-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHidAgent } from '../src/hid-agent.js'
import { createHidOutput } from '../src/hid-output.js'
import { US_LAYOUT } from '../src/keyboard-layout.js'
import { fakeHidDevice } from './hid-fakes.js'

// Every expected report is written from the HID spec, not from our tables. Keyboard (HID 1.11 appendix B.1):
// [modifier bits: 01 LCtrl, 02 LShift, 04 LAlt, 08 LGUI][00][six usages]. Usages (Usage Tables ch. 10): a 04, b 05,
// c 06, d 07, e 08, f 09, g 0A, w 1A, Delete 4C; ErrorRollOver 01. Consumer (ch. 15): Volume Increment 00E9, LE.
// Mouse: [buttons: 01 left, 02 right, 04 middle][X][Y][Wheel][AC Pan], signed bytes.
/** The sender the tests' messages come from. */
const PAD = 'keypad-0001'

const ZERO_KEYS = '0000000000000000'
const ZERO_MOUSE = '0000000000'

function setup() {
  const dir = tempDir('keyroom-hid-agent-')
  const devices = {
    keyboard: fakeHidDevice(dir, 'hidg0', 8),
    mouse: fakeHidDevice(dir, 'hidg1', 5),
    consumer: fakeHidDevice(dir, 'hidg2', 2),
  }
  const room = createFakeRoom()
  const log = captureLogger()
  const hid = createHidOutput({
    devices: { keyboard: devices.keyboard.path, mouse: devices.mouse.path, consumer: devices.consumer.path },
    layout: US_LAYOUT,
    logger: log.logger,
  })
  const agent = createHidAgent({ room: room, hid, logger: log.logger })
  return { room, hid, agent, log, ...devices }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the Pi as a USB keyboard: room actions → HID reports', () => {
  it('a tap is the key down then nothing', () => {
    const { room, keyboard } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyA', phase: 'tap' })
    expect(keyboard.take()).toEqual(['0000040000000000', ZERO_KEYS])
  })

  it('a key held past several lease renewals stays down, and goes up on up', () => {
    const { room, keyboard } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyW', phase: 'down' })
    for (let i = 0; i < 8; i += 1) {
      vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
      room.deliver(PAD, { type: 'renew', codes: ['KeyW'] })
    }
    // 4 s held, well past one lease: still one report, never a release in between.
    expect(8 * LEASE_RENEW_INTERVAL_MS).toBeGreaterThan(2 * HOLD_LEASE_MS)
    expect(keyboard.take()).toEqual(['00001a0000000000'])
    room.deliver(PAD, { type: 'key', code: 'KeyW', phase: 'up' })
    expect(keyboard.take()).toEqual([ZERO_KEYS])
  })

  it('a held key whose renewals stop is released when its lease runs out', () => {
    const { room, keyboard, log } = setup()
    room.deliver(PAD, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    vi.advanceTimersByTime(HOLD_LEASE_MS - 1)
    expect(keyboard.take()).toEqual(['0200000000000000'])
    vi.advanceTimersByTime(1)
    expect(keyboard.take()).toEqual([ZERO_KEYS])
    expect(log.messages()).toContain('hold lease expired without renewal: releasing')
  })

  it('a chord: modifiers down in order, the key, modifiers up in reverse', () => {
    const { room, keyboard } = setup()
    room.deliver(PAD, { type: 'chord', modifiers: ['ControlLeft', 'AltLeft'], code: 'Delete' })
    expect(keyboard.take()).toEqual([
      '0100000000000000',
      '0500000000000000',
      '05004c0000000000',
      '0500000000000000',
      '0100000000000000',
      ZERO_KEYS,
    ])
  })

  it('six keys fill the report; a seventh gives the phantom state and a notice to its sender', () => {
    const { room, keyboard } = setup()
    for (const code of ['KeyA', 'KeyB', 'KeyC', 'KeyD', 'KeyE', 'KeyF'] as const) {
      room.deliver(PAD, { type: 'key', code, phase: 'down' })
    }
    expect(keyboard.take().at(-1)).toEqual('0000040506070809')
    room.deliver(PAD, { type: 'key', code: 'KeyG', phase: 'down' })
    expect(keyboard.take()).toEqual(['0000010101010101'])
    expect(room.sent).toEqual([
      expect.objectContaining({ type: 'notice', code: 'hid-rollover', ref: { from: 'keypad-0001', seq: 7 } }),
    ])
    room.deliver(PAD, { type: 'key', code: 'KeyA', phase: 'up' })
    expect(keyboard.take()).toEqual(['000005060708090a'])
  })

  it('a media key goes to the consumer function', () => {
    const { room, consumer, keyboard } = setup()
    room.deliver(PAD, { type: 'key', code: 'AudioVolumeUp', phase: 'tap' })
    expect(consumer.take()).toEqual(['e900', '0000'])
    expect(keyboard.take()).toEqual([])
  })

  it('a pointer move, a click and a held button', () => {
    const { room, mouse } = setup()
    room.deliver(PAD, { type: 'move', dx: 3, dy: -2 })
    room.deliver(PAD, { type: 'button', button: 'left', phase: 'click' })
    room.deliver(PAD, { type: 'button', button: 'right', phase: 'down' })
    room.deliver(PAD, { type: 'button', button: 'right', phase: 'up' })
    expect(mouse.take()).toEqual(['0003fe0000', '0100000000', ZERO_MOUSE, '0200000000', ZERO_MOUSE])
  })

  it('a held button is renewed by renew.buttons and released when renewals stop', () => {
    const { room, mouse } = setup()
    room.deliver(PAD, { type: 'button', button: 'middle', phase: 'down' })
    vi.advanceTimersByTime(HOLD_LEASE_MS - 100)
    room.deliver(PAD, { type: 'renew', codes: [], buttons: ['middle'] })
    vi.advanceTimersByTime(HOLD_LEASE_MS - 100)
    expect(mouse.take()).toEqual(['0400000000'])
    vi.advanceTimersByTime(100)
    expect(mouse.take()).toEqual([ZERO_MOUSE])
  })

  it('a dropped socket sends all-zero reports on every function', () => {
    const { room, keyboard, mouse, consumer } = setup()
    room.deliver(PAD, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver(PAD, { type: 'key', code: 'KeyA', phase: 'down' })
    room.deliver(PAD, { type: 'button', button: 'left', phase: 'down' })
    room.deliver(PAD, { type: 'key', code: 'AudioVolumeUp', phase: 'down' })
    keyboard.take()
    mouse.take()
    consumer.take()
    room.emit('state', 'offline')
    expect(keyboard.take()).toEqual([ZERO_KEYS])
    expect(mouse.take()).toEqual([ZERO_MOUSE])
    expect(consumer.take()).toEqual(['0000'])
  })

  it('a sender leaving releases only its own holds', () => {
    const { room, keyboard } = setup()
    room.deliver('keypad-0001', { type: 'key', code: 'KeyA', phase: 'down' })
    room.deliver('keypad-0002', { type: 'key', code: 'KeyB', phase: 'down' })
    room.emit('peer-left', { id: 'keypad-0001' } as never)
    expect(keyboard.take()).toEqual(['0000040000000000', '0000040500000000', '0000050000000000'])
  })

  it('text is typed on the target layout; text it cannot type is refused whole with a notice', () => {
    const { room, keyboard } = setup()
    room.deliver(PAD, { type: 'text', text: 'A' })
    expect(keyboard.take()).toEqual(['0200040000000000', ZERO_KEYS])
    room.deliver(PAD, { type: 'text', text: 'a€b' })
    expect(keyboard.take()).toEqual([])
    expect(room.sent.at(-1)).toMatchObject({
      type: 'notice',
      code: 'unmappable-text',
      message: expect.stringContaining('"us" has no key for "€"'),
      ref: { seq: 2 },
    })
  })

  it('shutdown releases everything and stops listening', () => {
    const { room, agent, keyboard } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyA', phase: 'down' })
    agent.shutdown('SIGTERM')
    room.deliver(PAD, { type: 'key', code: 'KeyB', phase: 'down' })
    expect(keyboard.take()).toEqual(['0000040000000000', ZERO_KEYS])
    expect(room.listenerCount()).toBe(0)
  })
})
