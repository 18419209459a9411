import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchForStall } from './stall-watch.js'

/** A peer whose answers the test releases by hand. */
function peer() {
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = []
  return {
    pings: 0,
    ping() {
      this.pings++
      return new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }))
    },
    answer: () => waiting.shift()?.resolve(),
    fail: () => waiting.shift()?.reject(new Error('connection lost')),
  }
}

describe('watchForStall', () => {
  beforeEach(() => {
    // setImmediate too: the watch waits one past the poll phase before it calls a ping late.
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate'],
    })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function watch(redis: ReturnType<typeof peer>) {
    const calls: string[] = []
    const watcher = watchForStall({
      ping: () => redis.ping(),
      intervalMs: 1_000,
      deadlineMs: 1_000,
      onStalled: () => calls.push('stalled'),
      onAnswered: () => calls.push('answered'),
    })
    return { watcher, calls }
  }

  it('says nothing while every ping is answered in time', async () => {
    const redis = peer()
    const { watcher, calls } = watch(redis)
    await vi.advanceTimersByTimeAsync(1_000)
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(900) // answered 100 ms before its deadline
      redis.answer()
      await vi.advanceTimersByTimeAsync(100)
    }
    await vi.advanceTimersByTimeAsync(0)
    expect(watcher.stalled()).toBe(false)
    expect(calls).toEqual([])
    watcher.stop()
  })

  it('calls it stalled one deadline after an unanswered ping, sends no second ping meanwhile, and ends it on the answer', async () => {
    const redis = peer()
    const { watcher, calls } = watch(redis)
    await vi.advanceTimersByTimeAsync(1_000) // first ping
    await vi.advanceTimersByTimeAsync(999)
    expect(watcher.stalled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await vi.advanceTimersByTimeAsync(1) // the check phase after the deadline
    expect(watcher.stalled()).toBe(true)
    expect(calls).toEqual(['stalled'])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(redis.pings).toBe(1)
    expect(calls).toEqual(['stalled'])
    redis.answer()
    await vi.advanceTimersByTimeAsync(0)
    expect(watcher.stalled()).toBe(false)
    expect(calls).toEqual(['stalled', 'answered'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(redis.pings).toBe(2)
    watcher.stop()
  })

  it('does not call a ping late when its answer was read in the same turn as the deadline (a busy process)', async () => {
    const redis = peer()
    const { watcher, calls } = watch(redis)
    await vi.advanceTimersByTimeAsync(1_000)
    await vi.advanceTimersByTimeAsync(1_000) // the deadline fires; its check waits for the poll phase
    redis.answer()
    await vi.advanceTimersByTimeAsync(1)
    expect(watcher.stalled()).toBe(false)
    expect(calls).toEqual([])
    watcher.stop()
  })

  it('leaves a lost connection to the connection events: not stalled, not answered', async () => {
    const redis = peer()
    const { watcher, calls } = watch(redis)
    await vi.advanceTimersByTimeAsync(2_000)
    await vi.advanceTimersByTimeAsync(1)
    expect(watcher.stalled()).toBe(true)
    redis.fail()
    await vi.advanceTimersByTimeAsync(0)
    expect(watcher.stalled()).toBe(false)
    expect(calls).toEqual(['stalled'])
    watcher.stop()
  })

  it('stops pinging when stopped', async () => {
    const redis = peer()
    const { watcher, calls } = watch(redis)
    watcher.stop()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(redis.pings).toBe(0)
    expect(calls).toEqual([])
  })
})
