import { HOLD_LEASE_MS, LEASE_RENEW_INTERVAL_MS, MAX_RENEW_CODES } from '@keyroom/key-events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLeaseRenewer, createLeaseTable, type Lease } from './leases.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('lease table', () => {
  const setup = () => {
    const expired: Lease<string>[] = []
    const table = createLeaseTable<string>({ onExpire: (lease) => expired.push(lease) })
    return { table, expired }
  }

  it('reports a lease that runs out after HOLD_LEASE_MS; expire ends it once', () => {
    const { table, expired } = setup()
    expect(table.hold('phone-001', 'KeyA')).toBe(true)
    vi.advanceTimersByTime(HOLD_LEASE_MS - 1)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual([{ sender: 'phone-001', key: 'KeyA', timer: expect.anything() }])
    const [lease] = expired
    if (!lease) throw new Error('no lease expired')
    expect(table.isHeld('KeyA')).toBe(true)
    expect(table.expire(lease)).toBe('free')
    expect(table.expire(lease)).toBeUndefined()
    expect(table.snapshot()).toEqual({})
  })

  it('a renewal or a second hold restarts the lease; keys the sender does not hold are ignored', () => {
    const { table, expired } = setup()
    table.hold('phone-001', 'KeyA')
    vi.advanceTimersByTime(HOLD_LEASE_MS - 100)
    table.renew('phone-001', ['KeyA', 'KeyZ'])
    table.renew('tablet-01', ['KeyA'])
    vi.advanceTimersByTime(HOLD_LEASE_MS - 100)
    expect(table.hold('phone-001', 'KeyA')).toBe(false)
    vi.advanceTimersByTime(HOLD_LEASE_MS - 1)
    expect(expired).toEqual([])
    expect(table.heldBy('phone-001')).toEqual(['KeyA'])
    expect(table.holds('tablet-01', 'KeyA')).toBe(false)
  })

  it('a hold can start with what is left of a lease (a down that waited in a queue); a renewal gives a full one', () => {
    const { table, expired } = setup()
    table.hold('phone-001', 'KeyA', 200)
    vi.advanceTimersByTime(199)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired.map((l) => [l.sender, l.key])).toEqual([['phone-001', 'KeyA']])
    table.hold('phone-001', 'KeyB', 200)
    table.renew('phone-001', ['KeyB'])
    vi.advanceTimersByTime(HOLD_LEASE_MS - 1)
    expect(expired).toHaveLength(1)
  })

  it('a lease renewed after it was reported is not ended by expire', () => {
    const { table, expired } = setup()
    table.hold('phone-001', 'KeyA')
    vi.advanceTimersByTime(HOLD_LEASE_MS)
    table.renew('phone-001', ['KeyA'])
    const [lease] = expired
    if (!lease) throw new Error('no lease expired')
    expect(table.expire(lease)).toBeUndefined()
    expect(table.isHeld('KeyA')).toBe(true)
  })

  it('counts holders: a key is free when the last sender lets go', () => {
    const { table } = setup()
    table.hold('phone-001', 'ShiftLeft')
    table.hold('tablet-01', 'ShiftLeft')
    expect(table.holderCount('ShiftLeft')).toBe(2)
    expect(table.release('phone-001', 'ShiftLeft')).toBe('still-held')
    expect(table.release('phone-001', 'ShiftLeft')).toBe('not-held')
    expect(table.release('tablet-01', 'ShiftLeft')).toBe('free')
    expect(table.isHeld('ShiftLeft')).toBe(false)
  })

  it('releases one sender (returning what became free) and everyone, and stops their timers', () => {
    const { table, expired } = setup()
    table.hold('phone-001', 'ShiftLeft')
    table.hold('phone-001', 'KeyQ')
    table.hold('tablet-01', 'ShiftLeft')
    table.hold('tablet-01', 'ControlLeft')
    expect(table.releaseSender('phone-001')).toEqual(['KeyQ'])
    expect(table.snapshot()).toEqual({ ShiftLeft: ['tablet-01'], ControlLeft: ['tablet-01'] })
    expect(table.releaseAll()).toEqual(['ShiftLeft', 'ControlLeft'])
    expect(table.senders()).toEqual([])
    vi.advanceTimersByTime(HOLD_LEASE_MS * 2)
    expect(expired).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('lease renewer', () => {
  const setup = () => {
    const renewals: string[][] = []
    const renewer = createLeaseRenewer<string>({ renew: (keys) => renewals.push(keys) })
    return { renewer, renewals }
  }

  it('renews every held key in one message on one timer, and stops when nothing is held', () => {
    const { renewer, renewals } = setup()
    expect(renewer.hold(1, 'ShiftLeft')).toBe(true)
    expect(renewer.hold(2, 'KeyB')).toBe(true)
    expect(renewer.hold(3, 'KeyB')).toBe(false)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    expect(renewals).toEqual([['ShiftLeft', 'KeyB']])
    expect(renewer.release(1)).toBe('ShiftLeft')
    expect(renewer.release(2)).toBeUndefined()
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    expect(renewals.at(-1)).toEqual(['KeyB'])
    expect(renewer.release(3)).toBe('KeyB')
    expect(renewer.release(3)).toBeUndefined()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 3)
    expect(renewals).toHaveLength(2)
  })

  it('never renews more codes than one message may carry', () => {
    const { renewer, renewals } = setup()
    for (let i = 0; i < MAX_RENEW_CODES + 4; i++) renewer.hold(i, `Key${i}`)
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    expect(renewals[0]).toHaveLength(MAX_RENEW_CODES)
  })

  it('clear forgets every holder, returns what was held and stops the timer', () => {
    const { renewer, renewals } = setup()
    renewer.hold('pin-22', 'Enter')
    renewer.hold('pin-23', 'Space')
    expect(renewer.keyOf('pin-22')).toBe('Enter')
    expect(renewer.clear()).toEqual(['Enter', 'Space'])
    expect(renewer.held()).toEqual([])
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 2)
    expect(renewals).toEqual([])
  })
})
