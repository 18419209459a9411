import { MAX_TEXT_LENGTH } from '@keyroom/key-events'
import { captureLogger, createFakeRoom, type FakeRoom } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { createRecordingKeyboard } from '../test/recording-keyboard.js'
import type { Keyboard } from './keyboard.js'
import { createReceiver } from './receiver.js'

const PHONE = 'phone-0001'
const LEASE_MS = 300
/** The bound the receiver README states: a held key goes up within its lease plus this, while text is typed. */
const BOUND_MS = 50
/** What one keystroke costs: libnut's calls are synchronous, so this blocks the event loop like the real thing. */
const KEYSTROKE_MS = 1

const busyWait = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until) {}
}

/** A recording keyboard whose typing blocks the event loop per keystroke, with a clock on every release. */
function slowKeyboard() {
  const recording = createRecordingKeyboard()
  const releasedAt = new Map<string, number>()
  let typed = 0
  const keyboard: Keyboard = {
    pressKey: (code) => recording.pressKey(code),
    async releaseKey(code) {
      releasedAt.set(code, performance.now())
      await recording.releaseKey(code)
    },
    async type(text, between) {
      for (const char of text) {
        busyWait(KEYSTROKE_MS)
        typed++
        await recording.type(char)
        await between?.()
      }
    },
  }
  return { keyboard, recording, releasedAt, typed: () => typed }
}

function setup(options: { maxQueuedText?: number; leaseMs?: number } = {}) {
  const room = createFakeRoom()
  const slow = slowKeyboard()
  const { logger, lines } = captureLogger()
  const receiver = createReceiver({ room, keyboard: slow.keyboard, logger, leaseMs: LEASE_MS, ...options })
  return { room, receiver, lines, ...slow }
}

const longText = (room: FakeRoom, messages: number) => {
  for (let i = 0; i < messages; i++) room.deliver(PHONE, { type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH) })
}

const peer = { id: PHONE, role: 'keypad' as const, name: 'phone', caps: { inject: false }, lastSeen: 0 }

describe('receiver: releases pre-empt typing (issue 18)', () => {
  it(`a held Shift whose lease runs out goes up within lease + ${BOUND_MS} ms while 1,024 characters are typed`, async () => {
    const { room, receiver, releasedAt, recording, typed } = setup()
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    const downAt = performance.now()
    longText(room, 2)
    await receiver.idle()
    const heldMs = (releasedAt.get('ShiftLeft') ?? Number.POSITIVE_INFINITY) - downAt
    console.info(`held Shift, lease ${LEASE_MS} ms, 1024 characters typing: up after ${heldMs.toFixed(1)} ms`)
    expect(heldMs).toBeGreaterThanOrEqual(LEASE_MS - 5)
    expect(heldMs).toBeLessThan(LEASE_MS + BOUND_MS)
    // It went up in the middle of the typing, and every character was still typed once.
    const upIndex = recording.actions.findIndex((a) => a.action === 'up')
    expect(upIndex).toBeGreaterThan(1)
    expect(upIndex).toBeLessThan(recording.actions.length - 1)
    expect(typed()).toBe(2 * MAX_TEXT_LENGTH)
    expect(recording.down.size).toBe(0)
  })

  it('a tap queued behind a held Shift still gets Shift when the up comes right after it', async () => {
    const { room, receiver, recording } = setup({ leaseMs: 10_000 })
    longText(room, 1)
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    room.deliver(PHONE, { type: 'key', code: 'KeyL', phase: 'tap' })
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'up' })
    room.deliver(PHONE, { type: 'release-all' })
    await receiver.idle()
    expect(recording.actions.filter((a) => a.action !== 'type')).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'down', code: 'KeyL' },
      { action: 'up', code: 'KeyL' },
      { action: 'up', code: 'ShiftLeft' },
    ])
  })

  it.each([
    ['release-all', (room: FakeRoom) => room.deliver(PHONE, { type: 'release-all' })],
    ['key up', (room: FakeRoom) => room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'up' })],
    ['peer-left', (room: FakeRoom) => room.emit('peer-left', peer)],
    ['socket drop', (room: FakeRoom) => room.emit('state', 'offline')],
  ])('%s goes ahead of queued typing', async (_name, release) => {
    const { room, receiver, releasedAt, typed } = setup()
    room.deliver(PHONE, { type: 'key', code: 'ShiftLeft', phase: 'down' })
    longText(room, 1)
    // Once typing runs, the release arrives on the socket (a macrotask, as it would).
    await new Promise((resolve) => setTimeout(resolve, 20))
    const sentAt = performance.now()
    const typedBefore = typed()
    release(room)
    await receiver.idle()
    const waitedMs = (releasedAt.get('ShiftLeft') ?? Number.POSITIVE_INFINITY) - sentAt
    console.info(`${_name} during typing: Shift up ${waitedMs.toFixed(1)} ms after it arrived`)
    expect(waitedMs).toBeLessThan(BOUND_MS)
    expect(typedBefore).toBeGreaterThan(0)
    expect(typedBefore).toBeLessThan(MAX_TEXT_LENGTH)
    expect(typed()).toBe(MAX_TEXT_LENGTH)
  })

  it('a down that waited in the queue past its lease is not pressed; a renewal while it waits keeps it', async () => {
    const { room, receiver, recording, lines } = setup()
    longText(room, 1) // about 512 ms of typing, longer than the 300 ms lease
    room.deliver(PHONE, { type: 'key', code: 'KeyQ', phase: 'down' })
    room.deliver(PHONE, { type: 'key', code: 'KeyW', phase: 'down' })
    const renew = setInterval(() => room.deliver(PHONE, { type: 'renew', codes: ['KeyW'] }), 100)
    await receiver.idle()
    clearInterval(renew)
    expect(recording.down.has('KeyQ')).toBe(false)
    expect(recording.actions).not.toContainEqual({ action: 'down', code: 'KeyQ' })
    expect(recording.down.has('KeyW')).toBe(true)
    expect(lines).toContainEqual(
      expect.objectContaining({
        code: 'KeyQ',
        why: 'lease ran out while queued',
        msg: 'queued down not pressed',
      }),
    )
    room.deliver(PHONE, { type: 'release-all' })
    await receiver.idle()
    expect(recording.down.size).toBe(0)
  })

  it('release-all and an up keep their place after the downs they release; nothing stays down', async () => {
    // A long lease: the downs must not run out while queued, however slow this machine is.
    const { room, receiver, recording } = setup({ leaseMs: 10_000 })
    room.deliver(PHONE, { type: 'text', text: 'x'.repeat(50) })
    room.deliver(PHONE, { type: 'key', code: 'KeyQ', phase: 'down' })
    room.deliver(PHONE, { type: 'release-all' })
    room.deliver(PHONE, { type: 'key', code: 'KeyW', phase: 'down' })
    room.deliver(PHONE, { type: 'key', code: 'KeyW', phase: 'up' })
    await receiver.idle()
    expect(recording.actions.filter((a) => a.action !== 'type')).toEqual([
      { action: 'down', code: 'KeyQ' },
      { action: 'up', code: 'KeyQ' },
      { action: 'down', code: 'KeyW' },
      { action: 'up', code: 'KeyW' },
    ])
    expect(recording.down.size).toBe(0)
  })

  it('refuses text past the queue cap with a notice, and takes text again once typing caught up', async () => {
    const { room, receiver, typed } = setup({ maxQueuedText: 600 })
    room.deliver(PHONE, { type: 'text', text: 'a'.repeat(500) })
    room.deliver(PHONE, { type: 'text', text: 'b'.repeat(100) })
    room.deliver(PHONE, { type: 'text', text: 'c' })
    await receiver.idle()
    expect(typed()).toBe(600)
    expect(room.sent).toEqual([
      expect.objectContaining({
        type: 'notice',
        level: 'warn',
        code: 'text-queue-full',
        ref: { from: PHONE, seq: 3 },
        message: expect.stringMatching(/600 characters are still waiting to be typed \(at most 600\)/),
      }),
    ])
    room.deliver(PHONE, { type: 'text', text: 'd'.repeat(600) })
    await receiver.idle()
    expect(typed()).toBe(1200)
  })
})
