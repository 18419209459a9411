import type { KeyAction } from '@keyroom/key-events'
import { createRoom, createSealer } from '@keyroom/room-client'
import {
  captureLogger,
  joinRoom as join,
  joinAsIntruder,
  notices,
  startTestRelay,
  waitForPeer,
  withLegacyRoomId,
} from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createReceiver } from '../src/receiver.js'
import { spawnKeypad } from './helpers.js'
import { createRecordingKeyboard } from './recording-keyboard.js'

/** A receiver in this process with a recording keyboard, joined to a real room through a real relay. */
async function setup(options: { leaseMs?: number; legacyRoom?: boolean } = {}) {
  const started = await startTestRelay()
  const created = createRoom(started.url)
  // An outsider can join only a room made before join credentials; there the receiver's own checks keep it out.
  const link = options.legacyRoom ? withLegacyRoomId(created) : created
  const keyboard = createRecordingKeyboard({ unsupported: ['F13'] })
  const { logger, lines } = captureLogger()
  const room = await join(link, 'mac-receiver', 'test mac', { caps: { inject: true, platform: 'test' } })
  const receiver = createReceiver({ room, keyboard, logger, ...options })
  onTestFinished(() => receiver.close())
  const keypad = await join(link, 'keypad', 'phone')
  await waitForPeer(keypad, 'test mac')
  await waitForPeer(room, 'phone')
  return { started, link, keyboard, lines, room, receiver, keypad }
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

  it('forged, replayed and stale events never reach the keyboard', async () => {
    const { started, link, keyboard, keypad, room } = await setup({ legacyRoom: true })
    const intruder = await joinAsIntruder(started.url, link.room)
    const { captured } = intruder

    expect(await keypad.send(shiftDown)).toEqual({ ok: true })
    await vi.waitFor(() => expect(keyboard.actions).toHaveLength(1))
    await vi.waitFor(() => expect(captured.length).toBeGreaterThan(0))
    const wrongKey = createSealer({ ...link, key: new Uint8Array(32).fill(7) })
    const garbage: unknown[] = [
      null,
      'text',
      { type: 'key', code: 'KeyQ', phase: 'down' },
      { v: 1, nonce: 'A'.repeat(32), ciphertext: 'AAAA' },
      { v: 9, nonce: 'A'.repeat(32), ciphertext: 'AAAA' },
      wrongKey.seal({
        v: 1,
        from: 'attacker-01',
        seq: 1,
        t: Date.now(),
        body: { type: 'text', text: 'rm -rf /' },
      }),
      ...captured, // replays of what the keypad really sent
    ]
    for (const payload of garbage) await intruder.broadcast(payload)
    // A keypad whose clock jumps back: its next press arrives "late" and is dropped, its release is honoured.
    let skew = 0
    const late = await join(link, 'keypad', 'late phone', { now: () => Date.now() - skew })
    await waitForPeer(room, 'late phone')
    skew = 5_000
    await late.send({ type: 'text', text: 'late' })
    await keypad.send({ type: 'key', code: 'ShiftLeft', phase: 'up' })
    await vi.waitFor(() => expect(keyboard.actions).toHaveLength(2))
    await vi.waitFor(() => expect(room.rejected.map((r) => r.reason)).toContain('stale'))
    expect(room.rejected.length).toBeGreaterThanOrEqual(garbage.length - 2)
    expect(keyboard.actions).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
  })

  it('refuses a key it cannot inject with a log line and a notice back, and keeps working', async () => {
    const { keyboard, keypad, lines } = await setup()
    await keypad.send({ type: 'key', code: 'F13', phase: 'tap' })
    await keypad.send({ type: 'text', text: 'after' })
    await vi.waitFor(() => expect(notices(keypad)).toHaveLength(1))
    expect(notices(keypad)[0]).toMatchObject({ code: 'unsupported-key', ref: { from: keypad.id } })
    expect(lines).toContainEqual(expect.objectContaining({ key: 'F13', code: 'unsupported-key' }))
    await vi.waitFor(() => expect(keyboard.actions).toEqual([{ action: 'type', text: 'after' }]))
  })

  describe('no stuck keys', () => {
    it('releases when the sender process dies mid-hold (its socket drops)', async () => {
      const { link, keyboard, lines } = await setup()
      const doomed = spawnKeypad(link, 'test mac', [shiftDown])
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
