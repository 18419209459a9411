import { describe, expect, it, vi } from 'vitest'

describe('wait ceiling (setup file)', () => {
  it('gives vi.waitFor more than 1 s unless a timeout is given, returning as soon as the condition holds', async () => {
    const started = performance.now()
    let calls = 0
    // Holds from the fourth poll on: past the 1 s that vi.waitFor gives by default, at a 400 ms interval.
    const value = await vi.waitFor(
      () => {
        calls += 1
        if (calls < 4) throw new Error('not yet')
        return 'done'
      },
      { interval: 400 },
    )
    expect(value).toBe('done')
    expect(performance.now() - started).toBeGreaterThan(1_000)
    await expect(
      vi.waitFor(() => {
        throw new Error('never')
      }, 50),
    ).rejects.toThrow('never')
  })
})
