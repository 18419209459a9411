import { joinDeviceRoom } from '@keyroom/device-kit'
import { type KeyAction, MAX_EVENT_AGE_MS } from '@keyroom/key-events'
import type { DeviceRejection } from '@keyroom/room-client'
import {
  captureLogger,
  joinAsDevice,
  pairDeviceDir,
  startFaultProxy,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createReceiver } from '../src/receiver.js'
import { approvedKeypad, newWindowLink, noticesOf, spawnKeypad } from './helpers.js'
import { createRecordingKeyboard } from './recording-keyboard.js'

/**
 * A receiver in this process with a recording keyboard, in its device room (`joinDeviceRoom` on a state dir as
 * `pair` leaves it) through a real relay, and a keypad that opened its link inside the window.
 */
async function setup(options: { leaseMs?: number } = {}) {
  const started = await startTestRelay()
  const paired = pairDeviceDir(started.url, { name: 'test mac' })
  const keyboard = createRecordingKeyboard({ unsupported: ['F13'] })
  const { logger, lines } = captureLogger()
  const room = joinDeviceRoom({
    configDir: paired.configDir,
    role: 'mac-receiver',
    name: 'test mac',
    caps: { inject: true, platform: 'test' },
    logger,
  })
  if (!room) throw new Error('pairDeviceDir left no room')
  const rejected: DeviceRejection[] = []
  room.on('reject', (r) => rejected.push(r))
  onTestFinished(() => room.close())
  const receiver = createReceiver({ room, keyboard, logger, ...options })
  onTestFinished(() => receiver.close())
  const keypad = await approvedKeypad(paired.link, 'test mac')
  return { started, paired, keyboard, lines, room, rejected, receiver, keypad }
}

const shiftDown: KeyAction = { type: 'key', code: 'ShiftLeft', phase: 'down' }

describe('receiver with real room-clients through a real relay', () => {
  it('injects what a verified keypad sends, in order', async () => {
    const { keyboard, keypad } = await setup()
    const actions: KeyAction[] = [
      { type: 'text', text: 'hi' },
      shiftDown,
      { type: 'key', code: 'KeyA', phase: 'tap' },
      { type: 'key', code: 'ShiftLeft', phase: 'up' },
      { type: 'chord', modifiers: ['ControlLeft'], code: 'KeyC' },
    ]
    for (const action of actions) expect(await keypad.send(action)).toEqual({ ok: true })
    await vi.waitFor(() => expect(keyboard.actions).toHaveLength(9))
    expect(keyboard.actions).toEqual([
      { action: 'type', text: 'hi' },
      { action: 'down', code: 'ShiftLeft' },
      { action: 'down', code: 'KeyA' },
      { action: 'up', code: 'KeyA' },
      { action: 'up', code: 'ShiftLeft' },
      { action: 'down', code: 'ControlLeft' },
      { action: 'down', code: 'KeyC' },
      { action: 'up', code: 'KeyC' },
      { action: 'up', code: 'ControlLeft' },
    ])
  })

  it('a member that has the room but is not approved, and one that was revoked: refused with notices, nothing typed', async () => {
    const { started, paired, keyboard, keypad, rejected } = await setup()
    expect(await keypad.send(shiftDown)).toEqual({ ok: true })
    await vi.waitFor(() => expect(keyboard.actions).toHaveLength(1))
    // The window's secret is used up: another device with the link waits as pending.
    const stranger = await joinAsDevice(paired.link, 'keypad', 'stranger')
    await waitForDevice(stranger, 'test mac', 'pending')
    const fired = await joinAsDevice(newWindowLink(paired), 'keypad', 'fired')
    await waitForDevice(fired, 'test mac', 'approved')
    paired.store.revoke('fired')
    await waitForDevice(fired, 'test mac', 'revoked')
    for (const device of [stranger, fired]) {
      await device.send({ type: 'text', text: 'rm -rf /' })
      await device.send({ type: 'key', code: 'KeyQ', phase: 'down' })
    }
    await vi.waitFor(() => {
      expect(noticesOf(stranger)).toEqual([
        expect.objectContaining({ code: 'not-approved', message: expect.stringContaining('code ') }),
        expect.objectContaining({ code: 'not-approved' }),
      ])
      expect(noticesOf(fired)).toEqual([
        expect.objectContaining({ code: 'revoked', message: 'fired is revoked on test mac' }),
        expect.objectContaining({ code: 'revoked' }),
      ])
    })
    expect(rejected.map((r) => r.reason)).toEqual(['not-approved', 'not-approved', 'revoked', 'revoked'])
    // A keypad whose link delays everything past MAX_EVENT_AGE_MS: its press arrives late and is dropped, while
    // freshness is judged on the receiver's own clock (session-channel.ts), so no clock of the keypad's can help it.
    const proxy = await startFaultProxy({ port: started.port })
    onTestFinished(() => proxy.close())
    const late = await joinAsDevice({ ...newWindowLink(paired), relay: proxy.url }, 'keypad', 'late phone')
    await waitForDevice(late, 'test mac', 'approved')
    proxy.setDelay(MAX_EVENT_AGE_MS + 1_000)
    void late.send({ type: 'text', text: 'late' })
    await keypad.send({ type: 'key', code: 'ShiftLeft', phase: 'up' })
    await vi.waitFor(() => expect(keyboard.actions).toHaveLength(2))
    await vi.waitFor(() => expect(rejected.map((r) => r.reason)).toContain('stale'), { timeout: 10_000 })
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
  })

  it('revoking a keypad while it holds Shift releases Shift; its next key is refused', async () => {
    const { paired, keyboard, keypad, lines } = await setup()
    await keypad.send(shiftDown)
    await vi.waitFor(() => expect(keyboard.down.has('ShiftLeft')).toBe(true))
    paired.store.revoke('phone')
    await vi.waitFor(() => expect(keyboard.down.size).toBe(0))
    expect(lines).toContainEqual(expect.objectContaining({ code: 'ShiftLeft', reason: 'peer-left' }))
    await waitForDevice(keypad, 'test mac', 'revoked')
    await keypad.send({ type: 'key', code: 'KeyW', phase: 'tap' })
    await vi.waitFor(() => expect(noticesOf(keypad).map((n) => n.code)).toEqual(['revoked']))
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
  })

  it('refuses a key it cannot inject with a log line and a notice back, and keeps working', async () => {
    const { keyboard, keypad, lines } = await setup()
    await keypad.send({ type: 'key', code: 'F13', phase: 'tap' })
    await keypad.send({ type: 'text', text: 'after' })
    await vi.waitFor(() => expect(noticesOf(keypad)).toHaveLength(1))
    expect(noticesOf(keypad)[0]).toMatchObject({ code: 'unsupported-key', ref: { from: keypad.id } })
    expect(lines).toContainEqual(expect.objectContaining({ key: 'F13', code: 'unsupported-key' }))
    await vi.waitFor(() => expect(keyboard.actions).toEqual([{ action: 'type', text: 'after' }]))
  })

  describe('no stuck keys', () => {
    it('releases when the sender process dies mid-hold (its socket drops)', async () => {
      const { paired, keyboard, lines } = await setup()
      const doomed = spawnKeypad(newWindowLink(paired), 'test mac', [shiftDown])
      await doomed.sent()
      await vi.waitFor(() => expect(keyboard.down.has('ShiftLeft')).toBe(true))
      doomed.child.kill('SIGKILL')
      await vi.waitFor(() => expect(keyboard.down.size).toBe(0), { timeout: 1_000 })
      expect(lines).toContainEqual(expect.objectContaining({ code: 'ShiftLeft', reason: 'peer-left' }))
    })

    it('releases when the sender leaves, and on release-all', async () => {
      const { keyboard, keypad, lines } = await setup()
      await keypad.send(shiftDown)
      await keypad.send({ type: 'release-all' })
      await vi.waitFor(() => expect(lines).toContainEqual(expect.objectContaining({ reason: 'release-all' })))
      await keypad.send(shiftDown)
      await vi.waitFor(() => expect(keyboard.down.has('ShiftLeft')).toBe(true))
      await keypad.close()
      await vi.waitFor(() => expect(keyboard.down.size).toBe(0))
      expect(lines).toContainEqual(expect.objectContaining({ reason: 'peer-left' }))
    })

    it('releases when renewals stop, not while they come', async () => {
      const { keyboard, keypad, lines } = await setup({ leaseMs: 400 })
      await keypad.send(shiftDown)
      const renew = setInterval(() => void keypad.send({ type: 'renew', codes: ['ShiftLeft'] }), 100)
      onTestFinished(() => clearInterval(renew))
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(keyboard.down.has('ShiftLeft')).toBe(true)
      clearInterval(renew)
      await vi.waitFor(() => expect(keyboard.down.size).toBe(0), { timeout: 2_000 })
      expect(lines).toContainEqual(expect.objectContaining({ reason: 'lease-expired' }))
    })

    it('releases everything when its own connection drops', async () => {
      const { started, keyboard, keypad, lines } = await setup()
      await keypad.send(shiftDown)
      await vi.waitFor(() => expect(keyboard.down.has('ShiftLeft')).toBe(true))
      await started.close()
      await vi.waitFor(() => expect(keyboard.down.size).toBe(0))
      expect(lines).toContainEqual(expect.objectContaining({ reason: 'socket-drop' }))
    })
  })
})
