import { type KeyAction, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import { systemTimers } from '@keyroom/room-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHoldKeys } from './hold-keys.js'

// The code under test runs on the platform's timers (systemTimers), faked here: each test moves time by hand.
beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function setup() {
  const sent: KeyAction[] = []
  const hold = createHoldKeys({ send: (a) => sent.push(a), timers: systemTimers })
  return { sent, hold }
}

describe('hold keys', () => {
  it('sends down on press, renews every interval while held, up on release', () => {
    const { sent, hold } = setup()
    hold.down(1, 'KeyA')
    expect(sent).toEqual([{ type: 'key', code: 'KeyA', phase: 'down' }])
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 3)
    expect(sent.slice(1)).toEqual([
      { type: 'renew', codes: ['KeyA'] },
      { type: 'renew', codes: ['KeyA'] },
      { type: 'renew', codes: ['KeyA'] },
    ])
    hold.up(1)
    expect(sent.at(-1)).toEqual({ type: 'key', code: 'KeyA', phase: 'up' })
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 4)
    expect(sent).toHaveLength(5)
  })

  it('renews every held key in one message and keeps one timer', () => {
    const { sent, hold } = setup()
    hold.down(1, 'ShiftLeft')
    hold.down(2, 'KeyB')
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    expect(sent.at(-1)).toEqual({ type: 'renew', codes: ['ShiftLeft', 'KeyB'] })
    hold.up(1)
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    expect(sent.at(-1)).toEqual({ type: 'renew', codes: ['KeyB'] })
  })

  it('sends the key up only when the last finger on it lifts', () => {
    const { sent, hold } = setup()
    hold.down(1, 'Space')
    hold.down(2, 'Space')
    hold.up(1)
    expect(sent.filter((a) => a.type === 'key')).toEqual([{ type: 'key', code: 'Space', phase: 'down' }])
    hold.up(2)
    expect(sent.at(-1)).toEqual({ type: 'key', code: 'Space', phase: 'up' })
  })

  it('ignores an up for a pointer it does not know (pointerleave after pointerup)', () => {
    const { sent, hold } = setup()
    hold.down(1, 'KeyC')
    hold.up(1)
    hold.up(1)
    hold.up(99)
    expect(sent.filter((a) => a.type === 'key' && a.phase === 'up')).toHaveLength(1)
  })

  it('releases the old key when a pointer id comes down again without an up', () => {
    const { sent, hold } = setup()
    hold.down(1, 'KeyA')
    hold.down(1, 'KeyB')
    expect(sent).toEqual([
      { type: 'key', code: 'KeyA', phase: 'down' },
      { type: 'key', code: 'KeyA', phase: 'up' },
      { type: 'key', code: 'KeyB', phase: 'down' },
    ])
  })

  it('releaseHeld sends up for every held key and stops renewing; forget sends nothing', () => {
    const { sent, hold } = setup()
    hold.down(1, 'KeyA')
    hold.down(2, 'KeyB')
    expect(hold.releaseHeld()).toEqual(['KeyA', 'KeyB'])
    expect(sent.slice(-2)).toEqual([
      { type: 'key', code: 'KeyA', phase: 'up' },
      { type: 'key', code: 'KeyB', phase: 'up' },
    ])
    expect(vi.getTimerCount()).toBe(0)
    hold.down(3, 'KeyC')
    const count = sent.length
    hold.forget()
    expect(sent).toHaveLength(count)
    expect(hold.held()).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})
