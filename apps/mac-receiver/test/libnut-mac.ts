import type { NutKeyName } from '../src/key-map.js'
import { MAC_FLAGS, type MacKey } from '../src/mac-keycodes.js'
import type { RepeatPoster } from '../src/mac-repeat-poster.js'
import type { NativeKeyboard } from '../src/nut-keyboard.js'

export { MAC_FLAGS }

/**
 * A test double of libnut's macOS keyboard (libnut-core `src/macos/keypress.c`, `src/keycode.h`, `src/main.cc`, and
 * nut.js's `libnut-keyboard.class.js`), which cannot run here. What it models, read from that source:
 *
 * - `toggleKeyCode(code, down, flags)`: a modifier key adds its own bit to `flags` (Cmd, Option, Control, Shift,
 *   Fn; left and right share one bit). Key-down: the event carries `flags | flagBuffer`, then
 *   `flagBuffer |= that`. Key-up: the event carries `flags ^ flagBuffer`, then `flagBuffer ^= flags`. So releasing
 *   a modifier that is not down turns its bit ON for every later event, and releasing one Shift of two clears it.
 * - nut.js's `pressKey(key)` / `releaseKey(key)` call `keyToggle(name, 'down'|'up', [])`: no extra flags.
 * - Keys whose macOS keycode is `K_NOT_A_KEY` (Insert, PrintScreen, Menu, NumLock, ScrollLock, AudioStop, F21-F24,
 *   Win) make `keyToggle` throw "Invalid key code specified."; `Pause` maps to null and does nothing.
 * - `typeString(text)`: each code point is a key-down and key-up on keycode 0 with the Unicode string set; libnut
 *   sets no flags on them (the event source's state applies).
 * - No libnut event has the autorepeat field set: libnut never sets `kCGKeyboardEventAutorepeat`.
 *
 * `repeatPoster()` models keyroom's own poster (`src/mac-repeat-poster.ts`) posting into the same event stream: a
 * key-down with the autorepeat field set and the flags it is given; it leaves libnut's flag buffer alone (a separate
 * process posts it) and, like the real one, can be broken.
 */

const modifierBit: Partial<Record<NutKeyName, number>> = {
  LeftCmd: MAC_FLAGS.command,
  RightCmd: MAC_FLAGS.command,
  LeftAlt: MAC_FLAGS.alt,
  RightAlt: MAC_FLAGS.alt,
  LeftControl: MAC_FLAGS.control,
  RightControl: MAC_FLAGS.control,
  LeftShift: MAC_FLAGS.shift,
  RightShift: MAC_FLAGS.shift,
  Fn: MAC_FLAGS.fn,
}

const notAKey: ReadonlySet<NutKeyName> = new Set<NutKeyName>([
  'Insert',
  'Print',
  'Menu',
  'NumLock',
  'ScrollLock',
  'AudioStop',
  'F21',
  'F22',
  'F23',
  'F24',
  'LeftWin',
  'RightWin',
])

export type MacEvent =
  | { kind: 'key'; key: NutKeyName; down: boolean; flags: number; autorepeat: false }
  | { kind: 'unicode'; text: string; down: boolean; autorepeat: false }
  | {
      kind: 'repeat'
      macKey: MacKey
      down: true
      flags: number
      autorepeat: true
      /** libnut's flag buffer and the keys down when it was posted: what the repeat had to agree with. */
      libnutFlags: number
      held: NutKeyName[]
    }

export interface LibnutMac extends NativeKeyboard {
  /** Every event posted, in order. */
  readonly events: MacEvent[]
  /** libnut's process-wide flag buffer. */
  flagBuffer(): number
  /** Keys whose last event was a key-down (what the OS thinks is held). */
  down(): Set<NutKeyName>
  /** keyroom's autorepeat poster, posting into {@link events}; `break` makes it fail as a dead osascript would. */
  repeatPoster(): RepeatPoster & { break(why: string): void }
}

export const modifierBitOf = (key: NutKeyName): number => modifierBit[key] ?? 0

export function createLibnutMac(): LibnutMac {
  let flagBuffer = 0
  const events: MacEvent[] = []
  const held = new Set<NutKeyName>()

  const toggle = (key: NutKeyName, down: boolean) => {
    if (key === 'Pause') return // nut.js maps Pause to null: nothing happens
    if (notAKey.has(key)) throw new Error('Invalid key code specified.')
    const flags = modifierBitOf(key)
    let active: number
    if (down) {
      active = flags | flagBuffer
      flagBuffer |= active
    } else {
      active = flags ^ flagBuffer
      flagBuffer ^= flags
    }
    events.push({ kind: 'key', key, down, flags: active, autorepeat: false })
    if (down) held.add(key)
    else held.delete(key)
  }

  return {
    events,
    flagBuffer: () => flagBuffer,
    down: () => new Set(held),
    async pressKey(key) {
      toggle(key, true)
    },
    async releaseKey(key) {
      toggle(key, false)
    },
    repeatPoster() {
      let failure: string | undefined
      return {
        async repeat(macKey, flags) {
          if (failure) throw new Error(failure)
          events.push({
            kind: 'repeat',
            macKey,
            down: true,
            flags,
            autorepeat: true,
            libnutFlags: flagBuffer,
            held: [...held],
          })
        },
        ready: async () => {
          if (failure) throw new Error(failure)
        },
        broken: () => failure,
        close() {
          failure = 'closed'
        },
        break(why) {
          failure = why
        },
      }
    },
    async type(text) {
      for (const char of text) {
        events.push({ kind: 'unicode', text: char, down: true, autorepeat: false })
        events.push({ kind: 'unicode', text: char, down: false, autorepeat: false })
      }
    },
  }
}
