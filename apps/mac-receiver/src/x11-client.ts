import { createRequire } from 'node:module'

/**
 * The few X11 requests keyroom makes itself, over the X protocol in plain JavaScript (the `x11` package): keyboard
 * mapping, XTest key events, the keyboard's state and repeat settings. libnut (nut.js) presses keys by keysym only,
 * which cannot reach characters outside the current keymap.
 */
export interface X11Client {
  readonly minKeycode: number
  readonly maxKeycode: number
  /** Keysyms per keycode, `maxKeycode - minKeycode + 1` rows. */
  getKeyboardMapping(): Promise<number[][]>
  /** Sets the keysyms of one keycode (a row as long as `getKeyboardMapping`'s rows). */
  changeKeyboardMapping(keycode: number, keysyms: readonly number[]): void
  /** An XTest key event, as if the key were pressed (or released) on the keyboard. */
  fakeKey(keycode: number, press: boolean): void
  /** Resolves once the server has handled everything sent so far (a round trip). */
  sync(): Promise<void>
  /** XQueryKeymap: the keycodes that are down now. */
  keysDown(): Promise<number[]>
  /** Whether the server repeats held keys, and its delay and interval (XKB). */
  repeatSettings(): Promise<{ enabled: boolean; delayMs: number; intervalMs: number }>
  close(): Promise<void>
}

const require = createRequire(import.meta.url)

interface RawClient {
  GetKeyboardMapping(first: number, count: number, cb: (err: unknown, rows: number[][]) => void): void
  ChangeKeyboardMapping(first: number, perKeycode: number, keysyms: number[]): void
  GetInputFocus(cb: (err: unknown, focus: unknown) => void): void
  QueryKeymap(cb: (err: unknown, bits: Buffer) => void): void
  GetKeyboardControl(cb: (err: unknown, control: { globalAutoRepeat: number }) => void): void
  require(name: string, cb: (err: unknown, ext: RawExtension) => void): void
  on(event: 'error', listener: (err: unknown) => void): void
  close(cb?: () => void): void
}
interface RawExtension {
  FakeInput(type: number, keycode: number, time: number, window: number, x: number, y: number): void
  KeyPress: number
  KeyRelease: number
  GetControls(device: number, cb: (err: unknown, controls: RawControls) => void): void
}
interface RawControls {
  repeatDelay: number
  repeatInterval: number
  enabledControls: number
}
interface RawDisplay {
  client: RawClient
  min_keycode: number
  max_keycode: number
}

const XKB_USE_CORE_KBD = 0x100
const XKB_REPEAT_KEYS_MASK = 1

const call = <T>(fn: (cb: (err: unknown, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) =>
    fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value))),
  )

/** Opens `display` (`:N`; default `$DISPLAY`). Rejects when there is no X server to talk to. */
export async function openX11(display = process.env.DISPLAY): Promise<X11Client> {
  const x11 = require('x11') as {
    createClient(options: { display?: string }, cb: (err: unknown, display: RawDisplay) => void): void
  }
  const opened = await call<RawDisplay>((cb) => x11.createClient(display ? { display } : {}, cb))
  const X = opened.client
  // Errors of requests without a reply (ChangeKeyboardMapping, FakeInput) arrive here; the next sync() sees them.
  let lastError: unknown
  X.on('error', (err) => {
    lastError = err
  })
  const xtest = await call<RawExtension>((cb) => X.require('xtest', cb))
  const count = opened.max_keycode - opened.min_keycode + 1

  const client: X11Client = {
    minKeycode: opened.min_keycode,
    maxKeycode: opened.max_keycode,
    async getKeyboardMapping() {
      return call<number[][]>((cb) => X.GetKeyboardMapping(opened.min_keycode, count, cb))
    },
    changeKeyboardMapping(keycode, keysyms) {
      X.ChangeKeyboardMapping(keycode, keysyms.length, [...keysyms])
    },
    fakeKey(keycode, press) {
      xtest.FakeInput(press ? xtest.KeyPress : xtest.KeyRelease, keycode, 0, 0, 0, 0)
    },
    async sync() {
      await call((cb) => X.GetInputFocus(cb))
      if (lastError) {
        const error = lastError
        lastError = undefined
        throw error instanceof Error ? error : new Error(`X error: ${JSON.stringify(error)}`)
      }
    },
    async keysDown() {
      const bits = await call<Buffer>((cb) => X.QueryKeymap(cb))
      const down: number[] = []
      for (let keycode = 0; keycode < 256; keycode++)
        if ((bits[keycode >> 3] ?? 0) & (1 << (keycode & 7))) down.push(keycode)
      return down
    },
    async repeatSettings() {
      const control = await call<{ globalAutoRepeat: number }>((cb) => X.GetKeyboardControl(cb))
      const xkb = await call<RawExtension>((cb) => X.require('xkb', cb))
      const controls = await call<RawControls>((cb) => xkb.GetControls(XKB_USE_CORE_KBD, cb))
      return {
        enabled: control.globalAutoRepeat === 1 && (controls.enabledControls & XKB_REPEAT_KEYS_MASK) !== 0,
        delayMs: controls.repeatDelay,
        intervalMs: controls.repeatInterval,
      }
    },
    close: () => new Promise<void>((resolve) => X.close(() => resolve())),
  }
  return client
}
