import type { KeyCode } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { requireNutKey } from './key-map.js'
import { InjectError, type Keyboard } from './keyboard.js'
import { usStroke } from './us-layout.js'

export interface NutKeyboardOptions {
  /** @default process.platform */
  platform?: string
  logger?: Logger
}

/**
 * Real key presses with nut.js. Loaded lazily: nut.js opens the display (X11: `DISPLAY`) when it loads, and the log
 * driver must work without one.
 */
export async function createNutKeyboard(options: NutKeyboardOptions = {}): Promise<Keyboard> {
  const platform = options.platform ?? process.platform
  const nut = await import('@nut-tree-fork/nut-js')
  // nut.js's `keyboard` sleeps `autoDelayMs` (300 ms by default; even 0 means a timer tick, about 1 ms) before every
  // key and logs each one. The keypad needs the key now: talk to the native provider directly, with no delay.
  nut.keyboard.config.autoDelayMs = 0
  const native = nut.providerRegistry.getKeyboard()
  native.setKeyboardDelay(0)

  const keyOf = (code: KeyCode) => nut.Key[requireNutKey(code, platform)]
  const run = async (code: KeyCode | undefined, action: () => Promise<unknown>) => {
    try {
      await action()
    } catch (error) {
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
  const press = (code: KeyCode) => {
    const key = keyOf(code)
    return run(code, () => native.pressKey(key))
  }
  const release = (code: KeyCode) => {
    const key = keyOf(code)
    return run(code, () => native.releaseKey(key))
  }

  return {
    pressKey: press,
    releaseKey: release,
    async type(text) {
      if (platform !== 'linux') {
        // macOS and Windows type Unicode, whatever the layout.
        await run(undefined, () => native.type(text))
        return
      }
      const strokes = [...text].map((char) => ({ char, stroke: usStroke(char) }))
      const missing = strokes.filter((s) => !s.stroke).map((s) => s.char)
      if (missing.length > 0) {
        // Refuse the whole text rather than type part of it.
        throw new InjectError(
          'unsupported-text',
          `cannot type ${JSON.stringify([...new Set(missing)].join(''))} on linux (US ASCII only)`,
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
      }
    },
  }
}
