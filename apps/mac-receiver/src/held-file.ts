import { openStateFile } from '@keyroom/device-kit'
import { isKeyCode, isModifier, type KeyCode, POINTER_BUTTONS, type PointerButton } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Keyboard } from './keyboard.js'
import type { Pointer } from './pointer.js'
import { releaseOrder } from './pressed-keys.js'

/** The file, in the receiver's config dir, that lists the keys keyroom holds down right now. */
export const HELD_FILE = 'held-keys.json'

/**
 * What keyroom holds down, on disk, so that a receiver killed mid-hold (SIGKILL, a libnut segfault) lets those keys
 * go when it starts again: the X server (or macOS) keeps a key down, and repeating, until someone releases it.
 * Written on every press and release: a small synchronous write and an atomic rename (a crash mid-write leaves the
 * old list, never half of one).
 */
export interface HeldFile {
  /** Records what is down now. Never throws: a failed write is logged. */
  write(held: Held): void
  /** What the last run left down; nothing for a missing file, and (logged) for one that is not lists of names. */
  read(): Held
}

/** Keys and mouse buttons keyroom holds down. */
export interface Held {
  keys: readonly KeyCode[]
  buttons: readonly PointerButton[]
}

export const NOTHING_HELD: Held = { keys: [], buttons: [] }
const isButton = (name: unknown): name is PointerButton =>
  typeof name === 'string' && (POINTER_BUTTONS as readonly string[]).includes(name)

export function openHeldFile(path: string, logger: Logger): HeldFile {
  const file = openStateFile(path, logger, 'held keys')
  return {
    write: (held) => file.write({ down: held.keys, buttons: held.buttons }),
    read() {
      const read = file.read()
      if (!read.ok) {
        if (read.error.code === 'unreadable')
          logger.warn({ err: read.error.cause, path }, 'cannot read held keys')
        if (read.error.code === 'not-json') logger.warn({ path }, 'held keys file is not JSON: ignored')
        return NOTHING_HELD
      }
      const { down, buttons = [] } = (read.value ?? {}) as { down?: unknown; buttons?: unknown }
      if (!Array.isArray(down) || !Array.isArray(buttons)) {
        logger.warn({ path }, 'held keys file has no "down" list: ignored')
        return NOTHING_HELD
      }
      const codes = down.filter((code): code is KeyCode => typeof code === 'string' && isKeyCode(code))
      const pressed = buttons.filter(isButton)
      if (codes.length < down.length || pressed.length < buttons.length)
        logger.warn({ path }, 'held keys file names unknown keys: those ignored')
      return { keys: [...new Set(codes)], buttons: [...new Set(pressed)] }
    },
  }
}

/**
 * Releases the keys a previous run left down, before the receiver joins its room, in {@link releaseOrder}. On macOS a modifier is pressed
 * and then released: libnut's key-up toggles its flag (see pressed-keys.ts), and this process's flags start clear,
 * so a bare release would turn the modifier on for every later key. A letter is only released: pressing it again
 * would type it once more.
 */
export async function releaseLeftovers(
  keyboard: Keyboard,
  codes: readonly KeyCode[],
  platform: string,
  logger: Logger,
): Promise<void> {
  for (const code of releaseOrder(codes)) {
    try {
      if (platform === 'darwin' && isModifier(code)) await keyboard.pressKey(code)
      await keyboard.releaseKey(code)
      logger.warn({ code, reason: 'left down by the last run' }, 'released key')
    } catch (error) {
      logger.error({ code, err: error }, 'could not release a key the last run left down')
    }
  }
}

/** Releases the mouse buttons a previous run left down, before the receiver joins its room. */
export async function releaseLeftoverButtons(
  pointer: Pointer,
  buttons: readonly PointerButton[],
  logger: Logger,
): Promise<void> {
  for (const button of buttons) {
    try {
      await pointer.release(button)
      logger.warn({ button, reason: 'left down by the last run' }, 'released button')
    } catch (error) {
      logger.error({ button, err: error }, 'could not release a button the last run left down')
    }
  }
}
