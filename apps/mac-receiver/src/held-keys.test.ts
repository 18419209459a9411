import { captureLogger } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createRecordingKeyboard } from '../test/recording-keyboard.js'
import { createHeldKeys } from './held-keys.js'
import { createSerial } from './serial.js'

const setup = (leaseMs = 60_000, failRelease: Parameters<typeof createRecordingKeyboard>[0] = {}) => {
  const keyboard = createRecordingKeyboard(failRelease)
  const { logger, lines } = captureLogger()
  const held = createHeldKeys({ keyboard, logger, leaseMs })
  return { keyboard, held, lines }
}

describe('held keys', () => {
  it('holds until up; a second down only renews', async () => {
    const { keyboard, held } = setup()
    await held.down('phone-001', 'ShiftLeft')
    await held.down('phone-001', 'ShiftLeft')
    expect(keyboard.actions).toEqual([{ action: 'down', code: 'ShiftLeft' }])
    expect(held.snapshot()).toEqual({ ShiftLeft: ['phone-001'] })
    await held.up('phone-001', 'ShiftLeft')
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
    expect(held.snapshot()).toEqual({})
  })

  it('releases a key whose lease runs out, unless it was renewed', async () => {
    vi.useFakeTimers()
    onTestFinished(() => {
      vi.useRealTimers()
    })
    const { keyboard, held, lines } = setup(150)
    await held.down('phone-001', 'ShiftLeft')
    await held.down('phone-001', 'KeyA')
    const renewals = setInterval(() => held.renew('phone-001', ['KeyA', 'KeyZ']), 50)
    await vi.advanceTimersByTimeAsync(150)
    expect(keyboard.down.has('ShiftLeft')).toBe(false)
    expect(keyboard.down.has('KeyA')).toBe(true)
    clearInterval(renewals)
    await vi.advanceTimersByTimeAsync(150)
    expect(keyboard.down.size).toBe(0)
    expect(keyboard.actions.filter((a) => a.action === 'down')).toHaveLength(2)
    expect(lines.filter((l) => l.reason === 'lease-expired').map((l) => l.code)).toEqual([
      'ShiftLeft',
      'KeyA',
    ])
  })

  it('a renewal queued before the expiry ran keeps the key down', async () => {
    vi.useFakeTimers()
    onTestFinished(() => {
      vi.useRealTimers()
    })
    const keyboard = createRecordingKeyboard()
    const serial = createSerial()
    const held = createHeldKeys({ keyboard, logger: captureLogger().logger, leaseMs: 150, serial })
    await held.down('phone-001', 'KeyA')
    // A slow job holds the queue while the lease runs out; the renewal behind it arrives before the expiry runs.
    let finish = () => {}
    void serial.run(() => new Promise<void>((resolve) => (finish = resolve)))
    await vi.advanceTimersByTimeAsync(100)
    void serial.run(async () => held.renew('phone-001', ['KeyA']))
    await vi.advanceTimersByTimeAsync(50)
    finish()
    await serial.idle()
    expect(keyboard.down.has('KeyA')).toBe(true)
    await vi.advanceTimersByTimeAsync(150)
    expect(keyboard.down.has('KeyA')).toBe(false)
  })

  it('counts holders: the key goes up when the last sender lets go', async () => {
    const { keyboard, held } = setup()
    await held.down('phone-001', 'ShiftLeft')
    await held.down('tablet-01', 'ShiftLeft')
    await held.up('phone-001', 'ShiftLeft')
    expect(keyboard.down.has('ShiftLeft')).toBe(true)
    await held.releaseSender('tablet-01', 'peer-left')
    expect(keyboard.down.has('ShiftLeft')).toBe(false)
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
  })

  it('releases one sender on peer-left (letters before modifiers) and everyone on releaseAll', async () => {
    const { keyboard, held } = setup()
    await held.down('phone-001', 'ShiftLeft')
    await held.down('phone-001', 'KeyQ')
    await held.down('tablet-01', 'ControlLeft')
    await held.releaseSender('phone-001', 'peer-left')
    expect([...keyboard.down]).toEqual(['ControlLeft'])
    // Q repeats until it is up: with Shift up first, a repeat would type a lower-case q.
    expect(keyboard.actions.slice(3)).toEqual([
      { action: 'up', code: 'KeyQ' },
      { action: 'up', code: 'ShiftLeft' },
    ])
    await held.releaseAll('shutdown')
    expect(keyboard.down.size).toBe(0)
    expect(held.snapshot()).toEqual({})
  })

  it('keeps releasing the other keys when one release fails, and logs it', async () => {
    const { keyboard, held, lines } = setup(60_000, { failRelease: ['KeyQ'] })
    await held.down('phone-001', 'KeyQ')
    await held.down('phone-001', 'ShiftLeft')
    await held.releaseAll('socket-drop')
    expect(keyboard.down.has('ShiftLeft')).toBe(false)
    expect(held.snapshot()).toEqual({})
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'could not release key', code: 'KeyQ' }))
  })

  it('does not record a key the keyboard refused', async () => {
    const keyboard = createRecordingKeyboard({ unsupported: ['F13'] })
    const held = createHeldKeys({ keyboard, logger: captureLogger().logger })
    await expect(held.down('phone-001', 'F13')).rejects.toMatchObject({ code: 'unsupported-key' })
    expect(held.snapshot()).toEqual({})
  })

  it('an up for a key the sender does not hold releases nothing (a blind release turns a macOS flag on)', async () => {
    const { keyboard, held } = setup()
    await held.up('phone-001', 'ShiftLeft')
    await held.down('tablet-01', 'KeyC')
    await held.up('phone-001', 'KeyC')
    expect(keyboard.actions).toEqual([{ action: 'down', code: 'KeyC' }])
  })
})
