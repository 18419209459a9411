import { describe, expect, it } from 'vitest'
import { createActionQueue } from './action-queue.js'

describe('action queue', () => {
  it('runs jobs one at a time in order, urgent ones ahead of queued ones', async () => {
    const queue = createActionQueue()
    const order: string[] = []
    const job = (name: string) => async () => void order.push(name)
    void queue.run(job('a'))
    void queue.run(job('b'))
    void queue.urgent(job('release'))
    void queue.run(job('c'))
    await queue.idle()
    // `a` had started already (the queue was empty); the release goes before the queued b and c.
    expect(order).toEqual(['a', 'release', 'b', 'c'])
  })

  it('runs urgent jobs at the running job’s pause, after a turn of the event loop', async () => {
    const queue = createActionQueue()
    const order: string[] = []
    let timerFired = false
    void queue.run(async () => {
      for (const char of 'abc') {
        order.push(char)
        await queue.pause()
      }
    })
    void queue.urgent(async () => void order.push(`release (timer fired: ${timerFired})`))
    setTimeout(() => (timerFired = true), 0)
    await queue.idle()
    expect(order[0]).toBe('a')
    expect(order[1]).toMatch(/^release/)
    expect(order.slice(2)).toEqual(['b', 'c'])
  })

  it('a failing job does not stop the next, and its caller gets the error', async () => {
    const queue = createActionQueue()
    const failed = queue.run(async () => {
      throw new Error('boom')
    })
    const next = queue.run(async () => 'next')
    await expect(failed).rejects.toThrow('boom')
    await expect(next).resolves.toBe('next')
    await expect(queue.urgentLane.run(async () => 'urgent')).resolves.toBe('urgent')
    await queue.idle()
  })

  it('a release passes queued text, not other queued actions', async () => {
    const queue = createActionQueue()
    const order: string[] = []
    const job = (name: string) => async () => void order.push(name)
    void queue.runText(job('running text'))
    void queue.run(job('tap L'))
    void queue.runText(job('text'))
    void queue.runText(job('text 2'))
    void queue.release(job('up Shift'))
    await queue.idle()
    expect(order).toEqual(['running text', 'tap L', 'up Shift', 'text', 'text 2'])

    order.length = 0
    void queue.runText(job('running text'))
    void queue.runText(job('text'))
    void queue.release(job('up Shift'))
    await queue.idle()
    expect(order).toEqual(['running text', 'up Shift', 'text'])
  })
})
