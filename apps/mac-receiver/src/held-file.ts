import { openStateFile } from '@keyroom/device-kit'
import { isKeyCode, isModifier, type KeyCode } from '@keyroom/key-events'
import type { Logger } from 'pino'
import type { Keyboard } from './keyboard.js'

/** The file, in the receiver's config dir, that lists the keys keyroom holds down right now. */
export const HELD_FILE = 'held-keys.json'

/**
 * What keyroom holds down, on disk, so that a receiver killed mid-hold (SIGKILL, a libnut segfault) lets those keys
 * go when it starts again: the X server (or macOS) keeps a key down, and repeating, until someone releases it.
 * Written on every press and release: a small synchronous write and an atomic rename (a crash mid-write leaves the
 * old list, never half of one).
 */
export interface HeldFile {
  /** Records `codes` as the keys down now. Never throws: a failed write is logged. */
  write(codes: readonly KeyCode[]): void
  /** The keys the last run left down; [] for a missing file, and (logged) for one that is not a list of codes. */
  read(): KeyCode[]
}

export function openHeldFile(path: string, logger: Logger): HeldFile {
  const file = openStateFile(path, logger, 'held keys')
  return {
    write: (codes) => file.write({ down: codes }),
    read() {
      const read = file.read()
      if (!read.ok) {
        if (read.error.code === 'unreadable')
          logger.warn({ err: read.error.cause, path }, 'cannot read held keys')
        if (read.error.code === 'not-json') logger.warn({ path }, 'held keys file is not JSON: ignored')
        return []
      }
      const down = (read.value as { down?: unknown } | null)?.down
      if (!Array.isArray(down)) {
        logger.warn({ path }, 'held keys file has no "down" list: ignored')
        return []
      }
      const codes = down.filter((code): code is KeyCode => typeof code === 'string' && isKeyCode(code))
      if (codes.length < down.length)
        logger.warn({ path }, 'held keys file names unknown keys: those ignored')
      return [...new Set(codes)]
    },
  }
}

/**
 * Releases the keys a previous run left down, before the receiver joins its room. On macOS a modifier is pressed
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
  for (const code of codes) {
    try {
      if (platform === 'darwin' && isModifier(code)) await keyboard.pressKey(code)
      await keyboard.releaseKey(code)
      logger.warn({ code, reason: 'left down by the last run' }, 'released key')
    } catch (error) {
      logger.error({ code, err: error }, 'could not release a key the last run left down')
    }
  }
}
