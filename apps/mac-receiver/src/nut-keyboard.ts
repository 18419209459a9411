import { type KeyCode, usStroke } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { type NutKeyName, requireNutKey } from './key-map.js'
import { type Between, InjectError, type Keyboard, pauseOf } from './keyboard.js'
import { macFlagOf, macKeyOf } from './mac-keycodes.js'
import { type RepeatPoster, startMacRepeatPoster } from './mac-repeat-poster.js'

/** What the receiver uses of nut.js's native keyboard provider (libnut), by nut.js key name. */
export interface NativeKeyboard {
  pressKey(key: NutKeyName): Promise<unknown>
  releaseKey(key: NutKeyName): Promise<unknown>
  type(text: string): Promise<unknown>
  /**
   * X11: a round trip on libnut's own X connection, so that its Xlib reads the keymap changes (MappingNotify) sent
   * since its last call. libnut finds a key's keycode in Xlib's cached keymap (XKeysymToKeycode), which reloads the
   * changed keys only at a lookup after such an event was read: without this, a press right after the text typer put a
   * spare keycode back can still go to that spare keycode (it typed `a` a moment ago), and the release, looked up
   * afresh, goes to the real key, leaving the spare one down.
   */
  readKeymapChanges?(): Promise<unknown>
}

/** Types text on Linux (X11), where libnut only knows US ASCII: see `x11-text.ts`. */
export type TextTyper = (text: string, between?: Between) => Promise<void>

export interface NutKeyboardOptions {
  /** @default process.platform */
  platform?: string
  logger?: Logger
  /** Linux: types Unicode text; without it text is limited to US ASCII, typed key by key. */
  typeText?: TextTyper
  /** Linux: runs before every key press and release (X11 text puts its temporary keymap back). */
  beforeKey?: (code: KeyCode, phase: 'press' | 'release') => Promise<void>
  /** macOS: posts repeats marked as autorepeat (libnut cannot); without it, a repeat is an unmarked key-down. */
  repeatPoster?: RepeatPoster
}

/**
 * Real key presses with nut.js. Loaded lazily: nut.js opens the display (X11: `DISPLAY`) when it loads, and the log
 * driver must work without one.
 */
export async function createNutKeyboard(options: NutKeyboardOptions = {}): Promise<Keyboard> {
  const nut = await import('@nut-tree-fork/nut-js')
  // nut.js's `keyboard` sleeps `autoDelayMs` (300 ms by default; even 0 means a timer tick, about 1 ms) before every
  // key and logs each one. The keypad needs the key now: talk to the native provider directly, with no delay.
  nut.keyboard.config.autoDelayMs = 0
  const provider = nut.providerRegistry.getKeyboard()
  provider.setKeyboardDelay(0)
  const platform = options.platform ?? process.platform
  // libnut's mouse and keyboard share one X connection: XQueryPointer is a round trip on it.
  const mouse = nut.providerRegistry.getMouse()
  const native: NativeKeyboard = {
    pressKey: (key) => provider.pressKey(nut.Key[key]),
    releaseKey: (key) => provider.releaseKey(nut.Key[key]),
    type: (text) => provider.type(text),
    ...(platform === 'linux' ? { readKeymapChanges: () => mouse.currentMousePosition() } : {}),
  }
  const repeatPoster = options.repeatPoster ?? (platform === 'darwin' ? startMacRepeatPoster() : undefined)
  repeatPoster?.ready().then(
    () => options.logger?.info('key repeats are marked as autorepeat (osascript poster)'),
    (error: Error) =>
      options.logger?.warn({ why: error.message }, 'key repeats are not marked as autorepeat'),
  )
  return keyboardOverNative(native, { ...options, ...(repeatPoster ? { repeatPoster } : {}) })
}

/** The {@link Keyboard} over libnut: key-map lookups, errors as {@link InjectError}, text per platform. */
export function keyboardOverNative(native: NativeKeyboard, options: NutKeyboardOptions = {}): Keyboard {
  const platform = options.platform ?? process.platform
  const run = async (code: KeyCode | undefined, action: () => Promise<unknown>) => {
    try {
      await action()
    } catch (error) {
      if (error instanceof InjectError) throw error
      const message = error instanceof Error ? error.message : String(error)
      if (/invalid key code/i.test(message) && code) {
        throw new InjectError(
          'unsupported-key',
          `${code} cannot be injected on ${platform}: ${message}`,
          code,
        )
      }
      throw new InjectError('inject-failed', message, code)
    }
  }
  const beforeKey = options.beforeKey ?? (async () => undefined)
  // macOS: libnut's flag buffer, mirrored with libnut's own arithmetic (down ORs the modifier's flag in, up XORs it),
  // so a repeat carries exactly the flags libnut would give a key-down now.
  let flagBuffer = 0
  const press = async (code: KeyCode) => {
    const key = requireNutKey(code, platform)
    await beforeKey(code, 'press')
    await run(code, async () => {
      await native.readKeymapChanges?.()
      return native.pressKey(key)
    })
    flagBuffer |= macFlagOf(code)
  }
  const release = async (code: KeyCode) => {
    const key = requireNutKey(code, platform)
    await beforeKey(code, 'release')
    await run(code, async () => {
      await native.readKeymapChanges?.()
      return native.releaseKey(key)
    })
    flagBuffer ^= macFlagOf(code)
  }
  const { typeText } = options

  const keyboard: Keyboard = {
    pressKey: press,
    releaseKey: release,
    async type(text, between) {
      const pause = pauseOf(between)
      if (platform !== 'linux') {
        // macOS and Windows type Unicode, whatever the layout. libnut's call is synchronous: one character at a time,
        // so nothing waits behind a long text.
        for (const char of text) {
          await run(undefined, () => native.type(char))
          await pause()
        }
        return
      }
      if (typeText) {
        await run(undefined, () => typeText(text, between))
        return
      }
      const strokes = [...text].map((char) => ({ char, stroke: usStroke(char) }))
      const missing = strokes.filter((s) => !s.stroke).map((s) => s.char)
      if (missing.length > 0) {
        // Refuse the whole text rather than type part of it.
        throw new InjectError(
          'unsupported-text',
          `cannot type ${JSON.stringify([...new Set(missing)].join(''))} on linux without X11 text support (US ASCII only)`,
        )
      }
      for (const { stroke } of strokes) {
        if (!stroke) continue
        if (stroke.shift) await press('ShiftLeft')
        try {
          await press(stroke.code)
          await release(stroke.code)
        } finally {
          if (stroke.shift) await release('ShiftLeft')
        }
        await pause()
      }
    },
  }
  // The X server repeats a held key itself; macOS and Windows do not repeat synthetic keys, so keyroom does: a further
  // key-down, which Windows marks as a repeat by itself (the key's previous state is down). On macOS the poster marks
  // it; while the poster is starting or if it broke, the repeat is an unmarked key-down through libnut.
  if (platform !== 'linux') keyboard.repeatKey = press
  const poster = platform === 'darwin' ? options.repeatPoster : undefined
  if (poster) {
    let told = false
    const tell = (why: string) => {
      if (told) return
      told = true
      options.logger?.warn({ why }, 'key repeats are no longer marked as autorepeat')
    }
    keyboard.repeatKey = async (code) => {
      requireNutKey(code, platform)
      const key = macKeyOf(code)
      if (key && !poster.broken()) {
        try {
          await poster.repeat(key, flagBuffer)
          return
        } catch {
          // Not ready yet, or broken now: this repeat goes through libnut.
        }
      }
      const broken = poster.broken()
      if (broken) tell(broken)
      await press(code)
    }
  }
  return keyboard
}
