import { type KeyCode, usStroke } from '@keyroom/key-events'
import { type Between, InjectError, pauseOf } from './keyboard.js'
import type { X11Client } from './x11-client.js'

/**
 * Waits that keep a remapped key from being read with the wrong keymap. The focused client turns a key event into a
 * character with the keymap it fetches when it handles the event, which can be long after the event was sent (xterm
 * loading a font for a new glyph): remapping a keycode too soon after its last press makes it type the new mapping.
 * Remote Touchpad (0.0.10, "avoid race condition when typing on X11") and enigo (12 ms between chunks) wait for the
 * same reason. Measured under Xvfb with xterm: 50 ms between a chunk and the next remap was not always enough.
 */
export const X11_TEXT_TIMING = {
  /** After changing the keymap, before pressing a remapped key. */
  settleMs: 20,
  /** A keycode is remapped to another character only this long after its last press. */
  reuseAfterMs: 300,
  /** The keymap is put back this long after the last text. */
  restoreAfterMs: 1_000,
}

const XK_RETURN = 0xff0d
const XK_TAB = 0xff09

/** The X keysym that types `char`, or undefined (control characters, unpaired surrogates). */
export function keysymFor(char: string): number | undefined {
  if (char === '\n' || char === '\r') return XK_RETURN
  if (char === '\t') return XK_TAB
  const code = char.codePointAt(0)
  if (code === undefined) return undefined
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return undefined
  if (code >= 0xd800 && code <= 0xdfff) return undefined
  // Latin-1 keysyms are the code point; everything else is 0x01000000 + the code point.
  return code <= 0xff ? code : 0x0100_0000 + code
}

/** The keysyms each key types on the US layout (what libnut looks it up by): the keys text could shadow. */
const keysymsOfKey = (() => {
  const table = new Map<KeyCode, Set<number>>()
  const chars = ['\n', '\t', ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))]
  for (const char of chars) {
    const stroke = usStroke(char)
    const keysym = keysymFor(char)
    if (!stroke || keysym === undefined) continue
    const set = table.get(stroke.code) ?? new Set<number>()
    set.add(keysym)
    table.set(stroke.code, set)
  }
  return table
})()

/** How long a wait in `type` runs before the receiver gets a turn (releases must not wait a whole reuse wait). */
const PAUSE_EVERY_MS = 20

export interface X11TextOptions {
  timing?: Partial<typeof X11_TEXT_TIMING>
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export interface X11Text {
  /**
   * Types `text` exactly, or refuses it whole (InjectError `unsupported-text`) before typing any of it. Awaits
   * `between` between chunks and during its waits, at most every 20 ms.
   */
  type(text: string, between?: Between): Promise<void>
  /** Puts every remapped keycode back to no keysym now. */
  restore(): Promise<void>
  /**
   * Before a key press or release: puts the keymap back (once the last remapped press is `reuseAfterMs` old). libnut
   * finds a key by its keysym (XKeysymToKeycode), and a spare keycode mapped to `a` or Return would shadow the real
   * key: a press on one keycode and its release on another leaves a key down. The release of a key text never
   * shadows (modifiers, arrows, F-keys) does not wait: a held Shift goes up at once, even mid-text. Presses always
   * restore, so that the key stays the same one from its press to its release. libnut's cached keymap sees a restore
   * only once libnut has read the change: the nut keyboard makes it read changes before every key (`readKeymapChanges`).
   */
  beforeKey(code?: KeyCode, phase?: 'press' | 'release'): Promise<void>
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`

/**
 * Types Unicode text on X11 the way xdotool does for characters the keymap lacks: map the character's keysym onto a
 * spare keycode (one with no keysyms), press and release it with XTest, and later put the keymap back. Every
 * character goes this way, ASCII too, so text does not depend on the keyboard layout; the keysym sits on both levels,
 * so a held Shift does not change it. Mappings are kept while texts keep coming (typing the same letters again needs
 * no remap and no wait) and restored once typing stops, or before the next key press (`beforeKey`).
 */
export function createX11Text(x: X11Client, options: X11TextOptions = {}): X11Text {
  const timing = { ...X11_TEXT_TIMING, ...options.timing }
  const now = options.now ?? (() => performance.now())
  const sleep = options.sleep ?? defaultSleep
  /** keysym -> its keycode and when it was last pressed. */
  const mapped = new Map<number, { keycode: number; lastUsed: number }>()
  let spare: number[] | undefined
  let width = 0
  let restoreTimer: ReturnType<typeof setTimeout> | undefined
  /** Counts restores: a text paused at `between` finds its keycodes gone if a key press restored the keymap. */
  let generation = 0

  const row = (keysym: number) => Array.from({ length: width }, (_, i) => (i < 2 ? keysym : 0))

  const findSpare = async () => {
    if (spare) return spare
    const rows = await x.getKeyboardMapping()
    width = rows[0]?.length ?? 0
    spare = rows.flatMap((r, i) => (r.every((k) => k === 0) ? [x.minKeycode + i] : []))
    return spare
  }

  const restore = async () => {
    if (restoreTimer) clearTimeout(restoreTimer)
    restoreTimer = undefined
    if (mapped.size === 0) return
    for (const { keycode } of mapped.values()) x.changeKeyboardMapping(keycode, row(0))
    mapped.clear()
    generation++
    spare = undefined // read the keymap again next time: someone else may have changed it
    await x.sync()
  }

  /** A keycode no character of the current chunk uses and not pressed for `reuseAfterMs`, or a wait. */
  const claim = (inChunk: Set<number>, free: number[]): number | 'wait' => {
    const own = free.shift()
    if (own !== undefined) return own
    let oldest: [number, { keycode: number; lastUsed: number }] | undefined
    for (const entry of mapped) {
      if (inChunk.has(entry[1].keycode)) continue
      if (!oldest || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry
    }
    if (!oldest || now() - oldest[1].lastUsed < timing.reuseAfterMs) return 'wait'
    mapped.delete(oldest[0])
    return oldest[1].keycode
  }

  const type = async (text: string, between?: Between) => {
    const pause = pauseOf(between)
    /** A wait that gives the receiver a turn every PAUSE_EVERY_MS. */
    const wait = async (ms: number) => {
      for (let left = ms; left > 0; left -= PAUSE_EVERY_MS) {
        await sleep(Math.min(left, PAUSE_EVERY_MS))
        await pause()
      }
    }
    const chars = [...text]
    const keysyms = chars.map(keysymFor)
    const bad = chars.filter((_, i) => keysyms[i] === undefined)
    if (bad.length > 0) {
      throw new InjectError(
        'unsupported-text',
        `cannot type ${bad.map(codePoint).join(' ')} on X11 (control characters and unpaired surrogates have no keysym)`,
      )
    }
    if (restoreTimer) clearTimeout(restoreTimer)
    const spareCodes = await findSpare()
    if (spareCodes.length === 0 || width < 2) {
      throw new InjectError('unsupported-text', 'the X keymap has no spare keycode to type text with')
    }
    const unused = (codes: number[]) => {
      const inUse = new Set([...mapped.values()].map((m) => m.keycode))
      return codes.filter((k) => !inUse.has(k))
    }
    let free = unused(spareCodes)
    let seen = generation
    let index = 0
    try {
      while (index < keysyms.length) {
        if (index > 0) {
          await pause()
          // A key press during the pause put the keymap back: start again from the spare keycodes.
          if (seen !== generation) {
            seen = generation
            free = unused(await findSpare())
          }
        }
        // One chunk: characters up to the first one that needs a keycode still in use by this chunk.
        const strokes: number[] = []
        const inChunk = new Set<number>()
        let remapped = false
        for (; index < keysyms.length; index++) {
          const keysym = keysyms[index] as number
          let entry = mapped.get(keysym)
          if (!entry) {
            const got = claim(inChunk, free)
            if (typeof got !== 'number') break
            entry = { keycode: got, lastUsed: 0 }
            mapped.set(keysym, entry)
            x.changeKeyboardMapping(got, row(keysym))
            remapped = true
          }
          inChunk.add(entry.keycode)
          strokes.push(entry.keycode)
        }
        if (remapped) {
          await x.sync()
          // No pause here: a restore between the remap and the presses would type nothing.
          await sleep(timing.settleMs)
        }
        for (const keycode of strokes) {
          x.fakeKey(keycode, true)
          x.fakeKey(keycode, false)
        }
        await x.sync()
        const at = now()
        for (const entry of mapped.values()) if (inChunk.has(entry.keycode)) entry.lastUsed = at
        // More to type, but every keycode is taken: let the client catch up before one is remapped.
        if (index < keysyms.length) await wait(timing.reuseAfterMs)
      }
    } finally {
      restoreTimer = setTimeout(() => void restore().catch(() => undefined), timing.restoreAfterMs)
      restoreTimer.unref?.()
    }
  }

  const beforeKey = async (code?: KeyCode, phase: 'press' | 'release' = 'press') => {
    if (mapped.size === 0) return
    if (phase === 'release' && code !== undefined && !keysymsOfKey.has(code)) return
    const last = Math.max(...[...mapped.values()].map((m) => m.lastUsed))
    const wait = last + timing.reuseAfterMs - now()
    if (wait > 0) await sleep(wait)
    await restore()
  }

  return { type, restore, beforeKey }
}
