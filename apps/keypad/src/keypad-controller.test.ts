import { type KeyAction, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import { systemTimers, type Target } from '@keyroom/room-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createKeypadController } from './keypad-controller.js'
import type { KeyDef } from './layouts.js'
import { macroActions } from './macros.js'
import { DOUBLE_TAP_MS, modeOf } from './modifiers.js'

// The code under test runs on the platform's timers (systemTimers), faked here: each test moves time by hand.
beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

const key = (code: KeyDef['code'], label: string = code): KeyDef => ({ code, label })
const SHIFT = key('ShiftLeft', 'Shift')
const CMD = key('MetaLeft', 'Cmd')

function setup() {
  const sent: KeyAction[] = []
  const routed: Array<[KeyAction['type'], Target]> = []
  let now = 0
  const controller = createKeypadController({
    send: (a, to) => {
      sent.push(a)
      routed.push([a.type, to])
    },
    timers: systemTimers,
    now: () => now,
  })
  return {
    sent,
    routed,
    controller,
    at: (t: number) => {
      now = t
    },
  }
}

describe('keypad controller', () => {
  it('holds a plain key for as long as the finger is down', () => {
    const { sent, controller } = setup()
    expect(controller.pointerDown(1, key('KeyQ'))).toBe('down')
    expect(controller.getSnapshot().held).toEqual(['KeyQ'])
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    controller.pointerUp(1)
    expect(sent).toEqual([
      { type: 'key', code: 'KeyQ', phase: 'down' },
      { type: 'renew', codes: ['KeyQ'] },
      { type: 'key', code: 'KeyQ', phase: 'up' },
    ])
    expect(controller.getSnapshot().held).toEqual([])
  })

  it('sends the key-down inside pointerDown, before subscribers (React) hear of the press', () => {
    // The keystroke bench's latency depends on it: nothing may wait for a render, an effect or a frame to send.
    const { sent, controller } = setup()
    const seenBySubscriber: KeyAction[][] = []
    controller.subscribe(() => seenBySubscriber.push([...sent]))
    controller.pointerDown(1, key('KeyQ'))
    expect(sent).toEqual([{ type: 'key', code: 'KeyQ', phase: 'down' }])
    expect(seenBySubscriber).toEqual([[{ type: 'key', code: 'KeyQ', phase: 'down' }]])
    controller.pointerUp(1)
  })

  it('sends the next key after a latched modifier as one chord, then types plainly again', () => {
    const { sent, controller } = setup()
    expect(controller.pointerDown(1, SHIFT)).toBe('modifier')
    controller.pointerUp(1)
    expect(modeOf(controller.getSnapshot().modifiers, 'ShiftLeft')).toBe('latched')
    expect(controller.pointerDown(2, key('KeyA'))).toBe('chord')
    controller.pointerUp(2)
    controller.pointerDown(3, key('KeyB'))
    controller.pointerUp(3)
    expect(sent).toEqual([
      { type: 'chord', modifiers: ['ShiftLeft'], code: 'KeyA' },
      { type: 'key', code: 'KeyB', phase: 'down' },
      { type: 'key', code: 'KeyB', phase: 'up' },
    ])
  })

  it('keeps a double-tapped modifier for every key until tapped again', () => {
    const { sent, controller, at } = setup()
    controller.pointerDown(1, CMD)
    at(DOUBLE_TAP_MS - 1)
    controller.pointerDown(1, CMD)
    controller.pointerDown(2, key('KeyC'))
    controller.pointerDown(3, key('KeyV'))
    at(5000)
    controller.pointerDown(1, CMD)
    controller.pointerDown(4, key('KeyX'))
    expect(sent).toEqual([
      { type: 'chord', modifiers: ['MetaLeft'], code: 'KeyC' },
      { type: 'chord', modifiers: ['MetaLeft'], code: 'KeyV' },
      { type: 'key', code: 'KeyX', phase: 'down' },
    ])
  })

  it('release all forgets held keys and modifiers and tells the receiver once', () => {
    const { sent, controller } = setup()
    controller.pointerDown(1, key('KeyW'))
    controller.pointerDown(2, SHIFT)
    controller.releaseAll()
    expect(sent.at(-1)).toEqual({ type: 'release-all' })
    expect(controller.getSnapshot()).toEqual({ modifiers: { entries: [] }, held: [] })
    const count = sent.length
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS * 3)
    controller.pointerUp(1)
    expect(sent).toHaveLength(count)
  })

  it('lets go of held keys when the page is hidden', () => {
    const { sent, controller } = setup()
    controller.pointerDown(1, key('ArrowLeft'))
    controller.pageHidden()
    expect(sent.at(-1)).toEqual({ type: 'key', code: 'ArrowLeft', phase: 'up' })
    expect(controller.getSnapshot().held).toEqual([])
  })

  it("types text and runs a macro's actions in order", () => {
    const { sent, controller } = setup()
    expect(controller.typeText('hi there')).toBe(1)
    const actions = macroActions({ kind: 'sequence', steps: ['Ctrl+KeyA', 'Delete'] })
    if (!actions.ok) throw new Error(actions.error.message)
    expect(controller.runActions(actions.value)).toBe(2)
    expect(sent).toEqual([
      { type: 'text', text: 'hi there' },
      { type: 'chord', modifiers: ['ControlLeft'], code: 'KeyA' },
      { type: 'key', code: 'Delete', phase: 'tap' },
    ])
  })

  it('notifies subscribers on every change and stops after unsubscribe', () => {
    const { controller } = setup()
    let calls = 0
    const off = controller.subscribe(() => calls++)
    controller.pointerDown(1, SHIFT)
    controller.pointerDown(2, key('KeyA'))
    expect(calls).toBe(2)
    off()
    controller.pointerDown(3, SHIFT)
    expect(calls).toBe(2)
  })

  it('a device joining mid-hold (a receiver restarted) lets go of held keys, says so, and renews nothing more', () => {
    const { sent, controller } = setup()
    controller.deviceJoined('studio')
    expect(controller.getSnapshot().notice).toBeUndefined() // nothing held: nothing to say
    controller.pointerDown(1, key('KeyQ'))
    controller.pointerDown(3, key('KeyW'))
    controller.deviceJoined('studio')
    expect(controller.getSnapshot().held).toEqual([])
    expect(controller.getSnapshot().notice).toBe(
      'studio joined while KeyQ + KeyW was held: let go, press again',
    )
    sent.length = 0
    vi.advanceTimersByTime(3 * LEASE_RENEW_INTERVAL_MS)
    controller.pointerUp(1)
    controller.pointerUp(3)
    expect(sent).toEqual([])
    controller.pointerDown(4, key('KeyE'))
    expect(controller.getSnapshot().notice).toBeUndefined()
  })

  it("sends to the layout's target; a new target lets held keys go where they were pressed; release-all goes everywhere", () => {
    const { sent, routed, controller } = setup()
    controller.setTarget('kind:pins')
    controller.pointerDown(1, key('F13'))
    vi.advanceTimersByTime(LEASE_RENEW_INTERVAL_MS)
    controller.setTarget('kind:computer')
    expect(controller.getSnapshot().held).toEqual([])
    // The finger that was on F13 lifts later: nothing more goes out for it.
    controller.pointerUp(1)
    controller.pointerDown(2, key('KeyA'))
    controller.pointerUp(2)
    controller.runActions([{ type: 'text', text: 'macro' }], 'device:7XQ4-M2KD-9FHR-0WCE')
    controller.typeText('typed')
    controller.releaseAll()
    expect(sent.map((a) => a.type)).toEqual([
      'key',
      'renew',
      'key',
      'key',
      'key',
      'text',
      'text',
      'release-all',
    ])
    expect(routed).toEqual([
      ['key', 'kind:pins'],
      ['renew', 'kind:pins'],
      ['key', 'kind:pins'],
      ['key', 'kind:computer'],
      ['key', 'kind:computer'],
      ['text', 'device:7XQ4-M2KD-9FHR-0WCE'],
      ['text', 'kind:computer'],
      ['release-all', 'all'],
    ])
  })
})
