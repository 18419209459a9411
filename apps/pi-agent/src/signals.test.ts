import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../test/fakes.js'
import { handleSignals } from './signals.js'

function setup() {
  const proc = new EventEmitter()
  const calls: string[] = []
  const service = {
    reload: () => {
      calls.push('reload')
      return true
    },
    stop: async (reason: string) => {
      calls.push(`stop:${reason}`)
    },
  }
  const exits: number[] = []
  handleSignals(proc, service, silentLogger(), (code) => exits.push(code))
  return { proc, calls, exits }
}

describe('signals', () => {
  it('stops safely with exit code 1 on an uncaught error, once', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('uncaughtException', new Error('boom'))
    proc.emit('SIGTERM')
    await vi.waitFor(() => expect(exits).toEqual([1]))
    expect(calls).toEqual(['stop:crash'])
  })

  it('reloads on SIGHUP and stops with 0 on SIGTERM or SIGINT', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('SIGHUP')
    proc.emit('SIGINT')
    await vi.waitFor(() => expect(exits).toEqual([0]))
    expect(calls).toEqual(['reload', 'stop:SIGINT'])
  })

  it('treats an unhandled rejection like an uncaught error', async () => {
    const { proc, calls, exits } = setup()
    proc.emit('unhandledRejection', new Error('lost promise'))
    await vi.waitFor(() => expect(exits).toEqual([1]))
    expect(calls).toEqual(['stop:crash'])
  })
})
