import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createDeliveryTracker } from './delivery-tracker.js'
import type { Delivery } from './types.js'

describe('delivery tracker', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('settles when every expected peer answered, once each; strangers do not count', () => {
    const settled: Delivery[] = []
    const tracker = createDeliveryTracker((d) => settled.push(d))
    tracker.track(1, ['mac', 'pi'])
    tracker.receipt('stranger', { type: 'receipt', to: 'me', seqs: [1] })
    tracker.receipt('mac', { type: 'receipt', to: 'me', seqs: [1] })
    tracker.receipt('mac', { type: 'receipt', to: 'me', seqs: [1] })
    expect(settled).toEqual([])
    tracker.receipt('pi', { type: 'receipt', to: 'me', seqs: [], lost: [{ seq: 1, reason: 'stale' }] })
    expect(settled).toEqual([
      { seq: 1, delivered: ['mac'], lost: [{ peer: 'pi', reason: 'stale' }], missing: [] },
    ])
  })

  it('counts a silent peer missing after the timeout, and one that left at once', () => {
    const settled: Delivery[] = []
    const tracker = createDeliveryTracker((d) => settled.push(d))
    tracker.track(1, ['mac', 'pi'], 1000)
    tracker.track(2, ['mac'], 1000)
    tracker.forget('mac')
    expect(settled.map((d) => d.seq)).toEqual([2])
    expect(settled[0]?.missing).toEqual(['mac'])
    vi.advanceTimersByTime(999)
    expect(settled).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(settled[1]).toEqual({ seq: 1, delivered: [], lost: [], missing: ['mac', 'pi'] })
  })

  it('holds at most 512 actions: past that the oldest settles early', () => {
    const settled: Delivery[] = []
    const tracker = createDeliveryTracker((d) => settled.push(d))
    for (let seq = 1; seq <= 600; seq++) tracker.track(seq, ['mac'])
    expect(settled.map((d) => d.seq)).toEqual(Array.from({ length: 88 }, (_, i) => i + 1))
  })
})
