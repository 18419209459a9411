import { HOLD_LEASE_MS, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import { createFakeRoom } from '@keyroom/test-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRecordingPins, silentLogger } from '../test/fakes.js'
import { createAgent } from './agent.js'
import { DEFAULT_MIN_INTERVAL_MS, type PinMap, parsePinMap } from './pin-map.js'

/** The sender the tests' messages come from. */
const PAD = 'keypad-0001'

const mapOf = (value: unknown): PinMap => {
  const parsed = parsePinMap(JSON.stringify(value))
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.value
}

const example = mapOf({
  outputs: [
    { key: 'KeyL', pin: 17, mode: 'hold' },
    { key: 'KeyD', pin: 27, mode: 'pulse', pulseMs: 500 },
    { key: 'KeyT', pin: 5, mode: 'toggle', activeLow: true },
    { key: 'Ctrl+KeyT', pin: 6, mode: 'toggle' },
  ],
})

function setup(map: PinMap = example) {
  const room = createFakeRoom()
  const pins = createRecordingPins()
  const agent = createAgent({ room: room, pins: pins.pins, map, logger: silentLogger() })
  return { room, pins, agent }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('agent outputs', () => {
  it('opens every mapped output at its safe level and announces the mapped keys', () => {
    const { pins, room } = setup()
    expect([...pins.levels]).toEqual([
      [17, 0],
      [27, 0],
      [5, 1], // active-low: inactive is high
      [6, 0],
    ])
    expect(room.caps.at(-1)).toEqual({ inject: true, platform: 'linux', keys: ['KeyL', 'KeyD', 'KeyT'] })
  })

  it('holds a pin while the key is down and releases it on up', () => {
    const { pins, room } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    expect(pins.levels.get(17)).toBe(1)
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'up' })
    expect(pins.levels.get(17)).toBe(0)
  })

  it('releases a hold when the lease runs out, and renewals extend it', () => {
    const { pins, room } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
      room.deliver(PAD, { type: 'renew', codes: ['KeyL'] })
    }
    expect(pins.levels.get(17)).toBe(1)
    vi.advanceTimersByTime(HOLD_LEASE_MS - 1)
    expect(pins.levels.get(17)).toBe(1)
    vi.advanceTimersByTime(1)
    expect(pins.levels.get(17)).toBe(0)
  })

  it('keeps a hold while another sender still holds the key', () => {
    const { pins, room } = setup()
    room.deliver('phone-a-001', { type: 'key', code: 'KeyL', phase: 'down' })
    room.deliver('phone-b-001', { type: 'key', code: 'KeyL', phase: 'down' })
    room.deliver('phone-a-001', { type: 'key', code: 'KeyL', phase: 'up' })
    expect(pins.levels.get(17)).toBe(1)
    room.deliver('phone-b-001', { type: 'release-all' })
    expect(pins.levels.get(17)).toBe(0)
  })

  it('releases on peer-left and on a socket drop (toggles and pulses too)', () => {
    const { pins, room } = setup()
    room.deliver('phone-a-001', { type: 'key', code: 'KeyL', phase: 'down' })
    room.emit('peer-left', {
      id: 'phone-a-001',
      role: 'keypad',
      name: 'a',
      caps: { inject: false },
    })
    expect(pins.levels.get(17)).toBe(0)
    vi.advanceTimersByTime(DEFAULT_MIN_INTERVAL_MS)
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'tap' })
    room.deliver(PAD, { type: 'key', code: 'KeyD', phase: 'tap' })
    expect([pins.levels.get(17), pins.levels.get(5), pins.levels.get(27)]).toEqual([1, 0, 1])
    room.emit('state', 'connecting')
    expect([pins.levels.get(17), pins.levels.get(5), pins.levels.get(27)]).toEqual([0, 1, 0])
  })

  it('flips a toggle on each tap or down, not on up or a repeated down', () => {
    const { pins, room } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'tap' })
    expect(pins.levels.get(5)).toBe(0) // active (active-low)
    room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'down' })
    room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'down' })
    expect(pins.levels.get(5)).toBe(1)
    room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'up' })
    expect(pins.levels.get(5)).toBe(1)
  })

  it('matches chords exactly: Ctrl+KeyT flips pin 6, plain KeyT does not', () => {
    const { pins, room } = setup()
    room.deliver(PAD, { type: 'chord', modifiers: ['ControlLeft'], code: 'KeyT' })
    expect(pins.levels.get(6)).toBe(1)
    expect(pins.levels.get(5)).toBe(1)
    room.deliver(PAD, { type: 'chord', modifiers: ['ControlLeft', 'ShiftLeft'], code: 'KeyT' })
    expect(pins.levels.get(6)).toBe(1)
  })

  it('pulses for pulseMs; a press during the pulse does not stretch it (issue 18)', () => {
    const { pins, room } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyD', phase: 'tap' })
    expect(pins.levels.get(27)).toBe(1)
    vi.advanceTimersByTime(300)
    room.deliver(PAD, { type: 'key', code: 'KeyD', phase: 'tap' })
    vi.advanceTimersByTime(199)
    expect(pins.levels.get(27)).toBe(1)
    vi.advanceTimersByTime(1)
    expect(pins.levels.get(27)).toBe(0)
  })

  it('a 500 ms pulse re-triggered every 400 ms is never on longer than one pulse at a stretch (issue 18)', () => {
    const { pins, room } = setup()
    let longest = 0
    let onSince: number | undefined
    for (let t = 0; t < 5_000; t += 10) {
      if (t % 400 === 0) room.deliver(PAD, { type: 'key', code: 'KeyD', phase: 'tap' })
      const on = pins.levels.get(27) === 1
      if (on && onSince === undefined) onSince = t
      if (!on && onSince !== undefined) {
        longest = Math.max(longest, t - onSince)
        onSince = undefined
      }
      vi.advanceTimersByTime(10)
    }
    expect(longest).toBeGreaterThan(0)
    expect(longest).toBeLessThanOrEqual(500)
  })

  it('refuses to engage an output within minIntervalMs of its last switch, with one notice to the room', () => {
    const { pins, room } = setup(
      mapOf({ outputs: [{ key: 'KeyT', pin: 5, mode: 'toggle', minIntervalMs: 1_000 }] }),
    )
    // A member toggling as fast as it can: 100 taps in a second switch the pin twice (on, off), not 100 times.
    for (let i = 0; i < 100; i++) {
      room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'tap' })
      vi.advanceTimersByTime(10)
    }
    const switches = pins.log.filter((e) => e.pin === 5 && e.event === 'write').length
    expect(switches).toBe(2)
    const notices = room.sent.filter((s) => s.type === 'notice')
    expect(notices).toEqual([expect.objectContaining({ type: 'notice', code: 'output-too-soon' })])
  })

  it('rests an output engaged longer than maxOnMs, says so, and keeps a held key from re-engaging it', () => {
    const { pins, room } = setup(mapOf({ outputs: [{ key: 'KeyL', pin: 17, mode: 'hold', maxOnMs: 2_000 }] }))
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    for (let t = 0; t < 5_000; t += LEASE_RENEW_INTERVAL_MS) {
      room.deliver(PAD, { type: 'renew', codes: ['KeyL'] })
      vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    }
    expect(pins.levels.get(17)).toBe(0)
    expect(room.sent.filter((s) => s.type === 'notice')).toEqual([
      expect.objectContaining({ code: 'output-max-on' }),
    ])
    // Let go and press again: it engages again.
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'up' })
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    expect(pins.levels.get(17)).toBe(1)
  })

  it('ignores keys not in the map and text, and never touches an unmapped pin', () => {
    const { pins, room } = setup()
    const before = pins.log.length
    room.deliver(PAD, { type: 'key', code: 'KeyQ', phase: 'down' })
    room.deliver(PAD, { type: 'chord', modifiers: ['MetaLeft'], code: 'KeyL' })
    room.deliver(PAD, { type: 'text', text: 'open the door' })
    room.deliver(PAD, { type: 'renew', codes: ['KeyQ'] })
    vi.advanceTimersByTime(HOLD_LEASE_MS * 2)
    expect(pins.log.length).toBe(before)
    expect(pins.touched()).toEqual(new Set([17, 27, 5, 6]))
  })

  it('puts every output safe and unexports on shutdown, and stops listening', () => {
    const { pins, room, agent } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    room.deliver(PAD, { type: 'key', code: 'KeyT', phase: 'tap' })
    room.deliver(PAD, { type: 'key', code: 'KeyD', phase: 'tap' })
    agent.shutdown('test')
    expect(pins.levels.size).toBe(0)
    expect([...pins.closed].sort((a, b) => a - b)).toEqual([5, 6, 17, 27])
    const lastWrite = (pin: number) =>
      pins.log.filter((e) => e.pin === pin && e.event !== 'close').at(-1)?.value
    expect([lastWrite(17), lastWrite(27), lastWrite(5), lastWrite(6)]).toEqual([0, 0, 1, 0])
    expect(room.listenerCount()).toBe(0)
    agent.shutdown('again')
    expect(pins.closed.length).toBe(4)
  })

  it('keeps going when a pin write throws', () => {
    const room = createFakeRoom()
    const pins = createRecordingPins()
    const broken = {
      ...pins.pins,
      output: (pin: number, initial: 0 | 1) => {
        const handle = pins.pins.output(pin, initial)
        if (pin !== 17) return handle
        return {
          ...handle,
          write: () => {
            throw new Error('EIO')
          },
        }
      },
    }
    createAgent({ room: room, pins: broken, map: example, logger: silentLogger() })
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    room.deliver(PAD, { type: 'key', code: 'KeyD', phase: 'tap' })
    expect(pins.levels.get(27)).toBe(1)
  })
})

describe('agent reload', () => {
  it('rests every output, keeps unchanged pins exported, opens new ones and closes dropped ones', () => {
    const { pins, room, agent } = setup()
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    agent.reload(
      mapOf({
        outputs: [
          { key: 'KeyM', pin: 17, mode: 'toggle' },
          { key: 'KeyD', pin: 22, mode: 'pulse', pulseMs: 100 },
        ],
      }),
    )
    expect(pins.levels.get(17)).toBe(0)
    expect([...pins.closed].sort((a, b) => a - b)).toEqual([5, 6, 27])
    expect(pins.log.filter((e) => e.pin === 17 && e.event === 'open').length).toBe(1)
    room.deliver(PAD, { type: 'key', code: 'KeyL', phase: 'down' })
    expect(pins.levels.get(17)).toBe(0)
    vi.advanceTimersByTime(DEFAULT_MIN_INTERVAL_MS)
    room.deliver(PAD, { type: 'key', code: 'KeyM', phase: 'tap' })
    expect(pins.levels.get(17)).toBe(1)
    expect(room.caps.at(-1)?.keys).toEqual(['KeyM', 'KeyD'])
  })
})

describe('agent inputs', () => {
  const buttonMap = mapOf({
    outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }],
    inputs: [{ pin: 22, key: 'Enter', debounceMs: 30, activeLow: true }],
  })

  it('sends a debounced key down/up with lease renewals while held', () => {
    const { pins, room, agent } = setup(buttonMap)
    // bounce: several edges within the debounce window end pressed (low)
    pins.edge(22, 0)
    vi.advanceTimersByTime(5)
    pins.edge(22, 1)
    vi.advanceTimersByTime(5)
    pins.edge(22, 0)
    vi.advanceTimersByTime(29)
    expect(room.sent).toEqual([])
    vi.advanceTimersByTime(1)
    expect(room.sent).toEqual([{ type: 'key', code: 'Enter', phase: 'down' }])
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 2)
    expect(room.sent.filter((s) => s.type === 'renew')).toHaveLength(2)
    pins.edge(22, 1)
    vi.advanceTimersByTime(30)
    expect(room.sent.at(-1)).toEqual({ type: 'key', code: 'Enter', phase: 'up' })
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 4)
    expect(room.sent.filter((s) => s.type === 'renew')).toHaveLength(2)
    agent.shutdown('test')
    expect([...pins.closed].sort((a, b) => a - b)).toEqual([17, 22])
  })

  it('ignores a bounce that returns to the released level', () => {
    const { pins, room } = setup(buttonMap)
    pins.edge(22, 0)
    vi.advanceTimersByTime(10)
    pins.edge(22, 1)
    vi.advanceTimersByTime(100)
    expect(room.sent).toEqual([])
  })

  it('sends up for a held button on shutdown', () => {
    const { pins, room, agent } = setup(buttonMap)
    pins.edge(22, 0)
    vi.advanceTimersByTime(30)
    agent.shutdown('test')
    expect(room.sent.at(-1)).toEqual({ type: 'key', code: 'Enter', phase: 'up' })
  })
})
