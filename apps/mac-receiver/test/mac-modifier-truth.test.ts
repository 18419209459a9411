import { HOLD_LEASE_MS, type KeyCode, type ModifierCode } from '@keyroom/key-events'
import { captureLogger, createFakeRoom } from '@keyroom/test-kit'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nutKeyFor } from '../src/key-map.js'
import { macKeyOf } from '../src/mac-keycodes.js'
import { keyboardOverNative } from '../src/nut-keyboard.js'
import { createReceiver } from '../src/receiver.js'
import { createLibnutMac, type LibnutMac, modifierBitOf } from './libnut-mac.js'
import { playStep, type RoomStep, roomSteps } from './room-steps.js'

// The receiver against a model of libnut's macOS flag buffer: random sequences of everything a room can do to it.
beforeEach(() => void vi.useFakeTimers())
afterEach(() => void vi.useRealTimers())

const SENDERS = ['phone-0001', 'tablet-001'] as const
const MODIFIERS: ModifierCode[] = [
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'AltLeft',
  'MetaLeft',
  'MetaRight',
]
const KEYS: KeyCode[] = [...MODIFIERS, 'KeyA', 'ArrowLeft', 'Backspace', 'Insert', 'CapsLock']

const step = roomSteps({
  senders: SENDERS,
  keys: KEYS,
  modifiers: MODIFIERS,
  chordKeys: KEYS.filter((k) => !MODIFIERS.includes(k as ModifierCode)),
  maxChordModifiers: 4,
  texts: ['a', 'é€', '😀 ok'],
  maxWaitMs: HOLD_LEASE_MS + 200,
})
type Step = RoomStep

const bitsOf = (mac: LibnutMac) => [...mac.down()].reduce((bits, key) => bits | modifierBitOf(key), 0)
const nutKey = (c: KeyCode) => {
  const mapping = nutKeyFor(c, 'darwin')
  return mapping.ok ? mapping.value : undefined
}

async function play(steps: Step[]) {
  const room = createFakeRoom()
  const mac = createLibnutMac()
  const { logger } = captureLogger()
  const receiver = createReceiver({
    room,
    keyboard: keyboardOverNative(mac, { platform: 'darwin', repeatPoster: mac.repeatPoster() }),
    logger,
    platform: 'darwin',
    repeat: { delayMs: 225, intervalMs: 30 },
  })
  for (const s of steps) {
    const before = mac.events.length
    const heldBefore = bitsOf(mac)
    await playStep(room, s)
    await receiver.idle()
    // At every step the flag buffer says exactly which modifier keys are down: nothing turned on by itself.
    expect(mac.flagBuffer()).toBe(bitsOf(mac))
    // Every repeat posted is marked, names a key that was down, and carries the flags libnut had then.
    for (const event of mac.events.slice(before)) {
      if (event.kind !== 'repeat') continue
      expect(event.flags).toBe(event.libnutFlags)
      const code = KEYS.find((c) => JSON.stringify(macKeyOf(c)) === JSON.stringify(event.macKey))
      expect(code && event.held).toContain(code && nutKey(code))
    }
    if (s.kind === 'chord') {
      const key = nutKey(s.code)
      const mine = s.modifiers.reduce((bits, m) => bits | modifierBitOf(nutKey(m) ?? 'A'), 0)
      // A chord on a key that is held already repeats it (a marked repeat), as a keyboard would.
      const macKey = JSON.stringify(macKeyOf(s.code))
      const keyDown = mac.events
        .slice(before)
        .find(
          (e) =>
            (e.kind === 'key' && e.key === key && e.down) ||
            (e.kind === 'repeat' && JSON.stringify(e.macKey) === macKey),
        )
      if (key) {
        // The chord's key carried its own modifiers plus those held by someone, nothing else.
        expect(keyDown).toMatchObject({ flags: mine | heldBefore })
      } else {
        expect(keyDown).toBeUndefined()
      }
      // And the chord put back what it found.
      expect(bitsOf(mac)).toBe(heldBefore)
    }
  }
  // Nobody renews any more: every lease runs out.
  await vi.advanceTimersByTimeAsync(HOLD_LEASE_MS + 100)
  await receiver.idle()
  expect(mac.down()).toEqual(new Set())
  expect(mac.flagBuffer()).toBe(0)
  await receiver.close()
}

describe('modifier state on macOS (libnut flag-buffer model), random sequences', () => {
  it('no key stays down, no flag stays on, every chord carries exactly its modifiers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), (steps) => play(steps)),
      { numRuns: 300 },
    )
  })

  it('the sequence that breaks a blind release: a late up after the lease ran out', async () => {
    await play([
      { kind: 'down', from: 'phone-0001', code: 'ShiftLeft' },
      { kind: 'time', ms: HOLD_LEASE_MS + 1 },
      { kind: 'up', from: 'phone-0001', code: 'ShiftLeft' },
      { kind: 'tap', from: 'phone-0001', code: 'KeyA' },
    ])
  })
})
