import { isModifier, type KeyCode, type ModifierCode } from '@keyroom/key-events'
import { captureLogger, createFakeRoom, perSuite } from '@keyroom/test-kit'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { nutKeyFor } from '../src/key-map.js'
import type { Keyboard } from '../src/keyboard.js'
import { createNutKeyboard } from '../src/nut-keyboard.js'
import { createReceiver } from '../src/receiver.js'
import { openX11, type X11Client } from '../src/x11-client.js'
import { createX11Text } from '../src/x11-text.js'
import { playStep, type RoomStep, roomSteps } from './room-steps.js'
import { startXSession } from './x-session.js'

// The receiver with real nut.js key presses on a private X server, driven by random sequences; the X server's own
// keyboard state (XQueryKeymap) is compared with what the senders hold. JavaScript timers are fake (leases expire
// when the test says so); the X server is real.
const LEASE_MS = 1_500
const SENDERS = ['phone-0001', 'tablet-001'] as const
const MODIFIERS: ModifierCode[] = ['ShiftLeft', 'ShiftRight', 'ControlLeft', 'AltLeft', 'MetaLeft']
const KEYS: KeyCode[] = [...MODIFIERS, 'KeyA', 'ArrowLeft', 'Backspace', 'F13', 'Pause']
const KEYSYM: Partial<Record<KeyCode, number>> = {
  ShiftLeft: 0xffe1,
  ShiftRight: 0xffe2,
  ControlLeft: 0xffe3,
  AltLeft: 0xffe9,
  MetaLeft: 0xffeb,
  KeyA: 0x61,
  ArrowLeft: 0xff51,
  Backspace: 0xff08,
}

const cleanup = perSuite()
afterAll(() => {
  vi.useRealTimers()
})

// The X11 text typer's short waits run on real time (captured before any fake timers).
const realSetTimeout = globalThis.setTimeout
const realSleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms))
let client: X11Client
let keyboard: Keyboard
const keycodeOf = new Map<KeyCode, number>()

beforeAll(async () => {
  const x = await startXSession({ cleanup })
  // nut.js opens the display named in DISPLAY on its first key: this file's worker drives this X server only.
  process.env.DISPLAY = x.display
  client = await openX11(x.display)
  cleanup(() => client.close())
  const text = createX11Text(client, { sleep: realSleep })
  keyboard = await createNutKeyboard({ platform: 'linux', typeText: text.type, beforeKey: text.beforeKey })
  // XKeysymToKeycode's order: column by column, lowest keycode first.
  const rows = await client.getKeyboardMapping()
  for (const [code, keysym] of Object.entries(KEYSYM) as Array<[KeyCode, number]>) {
    for (let column = 0; column < (rows[0]?.length ?? 0) && !keycodeOf.has(code); column++) {
      const index = rows.findIndex((row) => row[column] === keysym)
      if (index >= 0) keycodeOf.set(code, client.minKeycode + index)
    }
  }
  expect([...keycodeOf.keys()].sort()).toEqual(Object.keys(KEYSYM).sort())
}, 30_000)

const step = roomSteps({
  senders: SENDERS,
  keys: KEYS,
  modifiers: MODIFIERS,
  chordKeys: ['KeyA', 'ArrowLeft', 'F13'],
  maxChordModifiers: 3,
  texts: ['a', 'é€'],
  maxWaitMs: LEASE_MS + 200,
})
type Step = RoomStep

const refused = (c: KeyCode) => !nutKeyFor(c, 'linux').ok

async function play(steps: Step[]) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
  const room = createFakeRoom()
  const { logger } = captureLogger()
  const receiver = createReceiver({ room, keyboard, logger, platform: 'linux', leaseMs: LEASE_MS })
  // The model: what each sender holds, and until when (fake time).
  let now = 0
  const holds = new Map<string, Map<KeyCode, number>>()
  const own = (from: string) => holds.get(from) ?? holds.set(from, new Map()).get(from)!
  try {
    for (const s of steps) {
      // The model first: what each sender holds, and until when.
      switch (s.kind) {
        case 'down':
          if (!refused(s.code)) own(s.from).set(s.code, now + LEASE_MS)
          break
        case 'up':
          own(s.from).delete(s.code)
          break
        case 'renew':
          for (const c of s.codes) if (own(s.from).has(c)) own(s.from).set(c, now + LEASE_MS)
          break
        case 'release-all':
        case 'peer-left':
          holds.delete(s.from)
          break
        case 'time':
          await receiver.idle()
          now += s.ms
          for (const map of holds.values()) for (const [c, until] of map) if (until <= now) map.delete(c)
          break
        case 'socket-drop':
          holds.clear()
          break
      }
      await playStep(room, s)
      await receiver.idle()
      const down = new Set(await client.keysDown())
      const held = new Set([...holds.values()].flatMap((map) => [...map.keys()]))
      // Modifiers are down in X exactly while someone holds them; other keys never without a holder (they may be
      // up while held: a key whose renewals stopped is let go so that the X server stops repeating it).
      for (const c of Object.keys(KEYSYM) as KeyCode[]) {
        const isDown = down.has(keycodeOf.get(c) ?? -1)
        if (isModifier(c)) expect(isDown, `${c} after ${JSON.stringify(s)}`).toBe(held.has(c))
        else if (isDown) expect(held.has(c), `${c} after ${JSON.stringify(s)}`).toBe(true)
      }
    }
    await vi.advanceTimersByTimeAsync(LEASE_MS + 100)
    await receiver.idle()
    expect(await client.keysDown()).toEqual([])
  } finally {
    await receiver.close()
    vi.useRealTimers()
  }
}

describe('libnut after the text typer changed the keymap', () => {
  it('presses and releases the real key, never the spare keycode that typed the same character', async () => {
    // Two releases that do not put the keymap back (modifiers): libnut reads the spare keycode's mapping to `a`
    // and reloads it, so its cached keymap has `a` on the spare keycode when the press of A puts the keymap back.
    await keyboard.pressKey('ShiftLeft')
    await keyboard.pressKey('ControlLeft')
    await keyboard.type('a')
    await keyboard.releaseKey('ShiftLeft')
    await keyboard.releaseKey('ControlLeft')
    await keyboard.pressKey('KeyA')
    expect(await client.keysDown()).toEqual([keycodeOf.get('KeyA')])
    await keyboard.releaseKey('KeyA')
    expect(await client.keysDown()).toEqual([])
  })
})

describe('modifier state on X11 (the real X server), random sequences', () => {
  it('X has a modifier down exactly while a sender holds it, and nothing is down at the end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), (steps) => play(steps)),
      { numRuns: 300 },
    )
  }, 120_000)
})
