import type { ModifierCode } from '@keyroom/key-events'

/** Two taps on the same modifier within this many ms lock it. */
export const DOUBLE_TAP_MS = 350

export type ModifierMode = 'latched' | 'locked'

interface Entry {
  code: ModifierCode
  mode: ModifierMode
  /** When it was last tapped, for double-tap detection. */
  at: number
}

/**
 * Sticky modifiers, immutable: a tap latches a modifier for the next key, a second tap within
 * {@link DOUBLE_TAP_MS} locks it until tapped again; a slow second tap drops it.
 */
export interface ModifierState {
  readonly entries: readonly Entry[]
}

export const NO_MODIFIERS: ModifierState = { entries: [] }

/** The state after the user taps a modifier key at time `now`. */
export function tapModifier(state: ModifierState, code: ModifierCode, now: number): ModifierState {
  const current = state.entries.find((e) => e.code === code)
  const others = state.entries.filter((e) => e.code !== code)
  if (!current) return { entries: [...state.entries, { code, mode: 'latched', at: now }] }
  if (current.mode === 'latched' && now - current.at <= DOUBLE_TAP_MS) {
    return { entries: state.entries.map((e) => (e.code === code ? { code, mode: 'locked', at: now } : e)) }
  }
  return { entries: others }
}

/** The mode of one modifier, or undefined when it is off. */
export const modeOf = (state: ModifierState, code: ModifierCode): ModifierMode | undefined =>
  state.entries.find((e) => e.code === code)?.mode

/** Modifiers on now, in the order they were tapped (the order a chord presses them). */
export const activeModifiers = (state: ModifierState): ModifierCode[] => state.entries.map((e) => e.code)

/** A key was sent with the active modifiers: latched ones are used up, locked ones stay. */
export function consumeModifiers(state: ModifierState): { modifiers: ModifierCode[]; next: ModifierState } {
  return {
    modifiers: activeModifiers(state),
    next: { entries: state.entries.filter((e) => e.mode === 'locked') },
  }
}
