import type { KeyCode } from '@keyroom/key-events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createKeyRepeat, REPEAT_STALL_MS, type RepeatSettings, repeats } from './key-repeat.js'

beforeEach(() => void vi.useFakeTimers())
afterEach(() => void vi.useRealTimers())

const setup = (settings?: RepeatSettings) => {
  const log: string[] = []
  const at = () => Date.now() - start
  const start = Date.now()
  const repeat = createKeyRepeat({
    ...(settings ? { settings } : {}),
    onRepeat: (code) => log.push(`repeat ${code} @${at()}`),
    onStall: (code) => log.push(`stall ${code} @${at()}`),
    onResume: (code) => log.push(`resume ${code} @${at()}`),
  })
  return { repeat, log }
}

describe('key repeat', () => {
  it('repeats after the delay, at the interval, while renewals come every 500 ms', () => {
    const { repeat, log } = setup({ delayMs: 300, intervalMs: 100 })
    repeat.start('KeyA')
    for (let t = 500; t <= 1500; t += 500) {
      vi.advanceTimersByTime(500)
      repeat.touch('KeyA')
    }
    repeat.stop('KeyA')
    vi.advanceTimersByTime(5_000)
    const times = log.map((line) => Number(line.split('@')[1]))
    expect(log.every((line) => line.startsWith('repeat KeyA'))).toBe(true)
    expect(times).toEqual([300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500])
  })

  it('stops repeating REPEAT_STALL_MS after the last renewal, and resumes on the next one', () => {
    const { repeat, log } = setup({ delayMs: 300, intervalMs: 100 })
    repeat.start('Backspace')
    vi.advanceTimersByTime(500)
    repeat.touch('Backspace') // the last renewal before the phone let go (its release is lost)
    vi.advanceTimersByTime(10_000)
    const repeatsAt = log.filter((l) => l.startsWith('repeat')).map((l) => Number(l.split('@')[1]))
    expect(Math.max(...repeatsAt)).toBeLessThanOrEqual(500 + REPEAT_STALL_MS)
    expect(log).toContain(`stall Backspace @${500 + REPEAT_STALL_MS}`)
    expect(repeat.isStalled('Backspace')).toBe(true)
    const before = log.length
    repeat.touch('Backspace')
    vi.advanceTimersByTime(250)
    expect(log.slice(before)).toEqual([
      `resume Backspace @${10_500}`,
      `repeat Backspace @${10_600}`,
      `repeat Backspace @${10_700}`,
    ])
  })

  it('never repeats modifiers or locks', () => {
    const { repeat, log } = setup({ delayMs: 100, intervalMs: 50 })
    const quiet: KeyCode[] = ['ShiftLeft', 'MetaRight', 'AltLeft', 'ControlRight', 'CapsLock', 'NumLock']
    for (const code of quiet) {
      expect(repeats(code)).toBe(false)
      repeat.start(code)
    }
    vi.advanceTimersByTime(5_000)
    expect(log).toEqual([])
    expect(repeats('ArrowLeft')).toBe(true)
  })

  it('without settings (the display server repeats) it only reports stalls', () => {
    const { repeat, log } = setup()
    repeat.start('KeyA')
    vi.advanceTimersByTime(REPEAT_STALL_MS - 1)
    expect(log).toEqual([])
    vi.advanceTimersByTime(1)
    expect(log).toEqual([`stall KeyA @${REPEAT_STALL_MS}`])
    repeat.touch('KeyA')
    expect(log.at(-1)).toBe(`resume KeyA @${REPEAT_STALL_MS}`)
    repeat.stopAll()
    vi.advanceTimersByTime(10_000)
    expect(log).toHaveLength(2)
  })
})
