import { EventEmitter } from 'node:events'
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { handleSignals } from './signals.js'

function setup(options: { hang?: boolean } = {}) {
  const proc = new EventEmitter()
  const calls: string[] = []
  const exits: number[] = []
  handleSignals({
    proc,
    logger: pino({ level: 'silent' }),
    reload: () => void calls.push('reload'),
    stop: async (crashed, cause) => {
      calls.push(`stop:${crashed ? 'crash' : cause}`)
      if (options.hang) await new Promise(() => {})
    },
    exit: (code) => void exits.push(code),
  })
  return { proc, calls, exits }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('signals', () => {
  it('stops safely with exit code 1 on an uncaught error, once', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('uncaughtException', new Error('boom'))
    proc.emit('SIGTERM')
    await vi.waitFor(() => expect(exits).toEqual([1]))
    expect(calls).toEqual(['stop:crash'])
  })

  it('reloads on SIGUSR2 and stops with 0 on SIGTERM or SIGINT', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('SIGUSR2')
    proc.emit('SIGINT')
    await vi.waitFor(() => expect(exits).toEqual([0]))
    expect(calls).toEqual(['reload', 'stop:SIGINT'])
  })

  it('SIGHUP (the terminal closed) stops safely with 0, like SIGTERM', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('SIGHUP')
    await vi.waitFor(() => expect(exits).toEqual([0]))
    expect(calls).toEqual(['stop:SIGHUP'])
  })

  it('treats an unhandled rejection like an uncaught error', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('unhandledRejection', new Error('lost promise'))
    await vi.waitFor(() => expect(exits).toEqual([1]))
    expect(calls).toEqual(['stop:crash'])
  })

  it('exits anyway after 3 s when stopping hangs', () => {
    vi.useFakeTimers()
    const { proc, exits } = setup({ hang: true })
    proc.emit('SIGTERM')
    vi.advanceTimersByTime(2_999)
    expect(exits).toEqual([])
    vi.advanceTimersByTime(1)
    expect(exits).toEqual([0])
  })
})
