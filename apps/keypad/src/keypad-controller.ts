import type { KeyAction, KeyCode } from '@keyroom/key-events'
import type { Target } from '@keyroom/room-client'
import { createHoldKeys, type IntervalTimers } from './hold-keys.js'
import { type KeyDef, modifierOf } from './layouts.js'
import { consumeModifiers, type ModifierState, NO_MODIFIERS, tapModifier } from './modifiers.js'
import { chunkText } from './text-chunks.js'

export interface KeypadControllerOptions {
  /** Sends one action to the receivers `to` names, synchronously (ordering matters). */
  send(action: KeyAction, to: Target): void
  timers: IntervalTimers
  now(): number
}

/** What the keys show: which modifiers are latched or locked, which keys are held. */
export interface KeypadSnapshot {
  modifiers: ModifierState
  held: readonly KeyCode[]
  /** Why held keys were let go without the finger lifting (a device joined mid-hold); cleared by the next press. */
  notice?: string | undefined
}

export interface KeypadController {
  /** A finger went down on a key. Returns what was sent, for feedback. */
  pointerDown(pointerId: number, key: KeyDef): 'modifier' | 'chord' | 'down'
  /** A finger lifted, left the key or was cancelled. */
  pointerUp(pointerId: number): void
  /** Types a string (split into several `text` actions when long). Returns how many went out. */
  typeText(text: string): number
  /** A macro's actions (macros.ts turns a macro into them), sent in order to `to` (default: the target); how many. */
  runActions(actions: readonly KeyAction[], to?: Target): number
  /**
   * Where keys go from now on (the layout's choice). Held keys are let go first, where they were pressed: their
   * up and renewals must reach the receivers that have them down.
   */
  setTarget(target: Target): void
  /** The "Release all" button: every held key and every modifier let go, and the receiver told so. */
  releaseAll(): void
  /** The page was hidden: held keys go up (a hidden page cannot see the finger lift). */
  pageHidden(): void
  /**
   * A device joined the room, or came back with a new session (a receiver that restarted): it has none of this
   * keypad's held keys down, and renewals will not press them. So held keys are let go everywhere (an `up` each)
   * and `notice` says so; the finger must press again.
   */
  deviceJoined(name: string): void
  subscribe(listener: () => void): () => void
  getSnapshot(): KeypadSnapshot
}

/**
 * Turns touches into key actions: modifiers latch (tap) or lock (double tap) and ride on the next key as a
 * `chord`; other keys are held for as long as the finger stays on them (see hold-keys.ts).
 */
export function createKeypadController(options: KeypadControllerOptions): KeypadController {
  const { now } = options
  let target: Target = 'all'
  const send = (action: KeyAction, to: Target = target) => options.send(action, to)
  const listeners = new Set<() => void>()
  let snapshot: KeypadSnapshot = { modifiers: NO_MODIFIERS, held: [] }
  const update = (next: Partial<KeypadSnapshot>) => {
    snapshot = { ...snapshot, ...next }
    for (const listener of listeners) listener()
  }
  const hold = createHoldKeys({
    timers: options.timers,
    send(action) {
      send(action)
      if (action.type === 'key') update({ held: hold.held() })
    },
  })

  return {
    pointerDown(pointerId, key) {
      if (snapshot.notice) update({ notice: undefined })
      const modifier = modifierOf(key)
      if (modifier) {
        update({ modifiers: tapModifier(snapshot.modifiers, modifier, now()) })
        return 'modifier'
      }
      if (snapshot.modifiers.entries.length > 0) {
        const { modifiers, next } = consumeModifiers(snapshot.modifiers)
        send({ type: 'chord', modifiers: modifiers.slice(0, 4), code: key.code })
        update({ modifiers: next })
        return 'chord'
      }
      hold.down(pointerId, key.code)
      return 'down'
    },
    pointerUp: (pointerId) => hold.up(pointerId),
    typeText(text) {
      const chunks = chunkText(text)
      for (const chunk of chunks) send({ type: 'text', text: chunk })
      return chunks.length
    },
    runActions(actions, to) {
      for (const action of actions) send(action, to)
      return actions.length
    },
    setTarget(next) {
      if (next === target) return
      if (hold.held().length > 0) {
        hold.releaseHeld()
        update({ held: [] })
      }
      target = next
    },
    releaseAll() {
      hold.forget()
      // Every receiver, whatever the layout chose: nothing anywhere stays down.
      send({ type: 'release-all' }, 'all')
      update({ modifiers: NO_MODIFIERS, held: [] })
    },
    pageHidden() {
      hold.releaseHeld()
      update({ held: [] })
    },
    deviceJoined(name) {
      const codes = hold.releaseHeld()
      if (codes.length === 0) return
      update({ held: [], notice: `${name} joined while ${codes.join(' + ')} was held: let go, press again` })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
  }
}
