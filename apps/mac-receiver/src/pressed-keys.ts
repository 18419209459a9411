import { isModifier, type KeyCode } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { createKeyRepeat, type RepeatClock, type RepeatSettings } from './key-repeat.js'
import type { Keyboard } from './keyboard.js'
import type { Serial } from './serial.js'

export interface PressedKeysOptions {
  keyboard: Keyboard
  logger: Logger
  /** Repeats and stall releases run on this queue, between the receiver's other keyboard calls. */
  serial: Serial
  /** `darwin`: left and right modifiers of one kind share one flag bit (see `sharedFlagSlot`). */
  platform: string
  /** keyroom's repeat, used when the keyboard has `repeatKey`. Absent: held keys do not repeat. */
  repeat?: RepeatSettings
  /** @default REPEAT_STALL_MS */
  stallMs?: number
  clock?: RepeatClock
  /** Told the keys that may be down, before each press and after each release (`held-file.ts` keeps them on disk). */
  record?: (down: KeyCode[]) => void
}

/**
 * The keyboard as the receiver pressed it: what is physically down because of keyroom, and only that. It is a
 * {@link Keyboard} itself (held keys and chords go through it) plus renewals and a full release.
 */
export interface PressedKeys extends Keyboard {
  /** Presses `code`; false when it was already down (nothing was sent). Throws if the keyboard refuses. */
  press(code: KeyCode): Promise<boolean>
  /** Releases `code` if `press` put it down; anything else is logged and ignored (never released blind). */
  release(code: KeyCode): Promise<void>
  /** Press and release; for a key that is down already, one repeat of it (it stays down). */
  tap(code: KeyCode): Promise<void>
  /** A renewal for a held key arrived. */
  touch(code: KeyCode): void
  isDown(code: KeyCode): boolean
  /** Codes keyroom holds down now, in the order they were pressed. */
  down(): KeyCode[]
  /** Releases everything still down (each in its own try/catch), in {@link releaseOrder}. */
  releaseAll(): Promise<void>
}

/**
 * The order to let go of several keys at once (a sender leaving, the socket dropping, leftovers of a crash): other
 * keys first, then modifiers, each last-pressed first. A held letter goes on repeating (the X server repeats it) until
 * it is up: with Shift released first, a repeat in between would type a lower-case letter the sender never asked for.
 */
export const releaseOrder = <K extends string>(codes: readonly K[]): K[] => [
  ...codes.filter((code) => !isModifier(code)).reverse(),
  ...codes.filter((code) => isModifier(code)).reverse(),
]

const darwinFlagSlots: Partial<Record<KeyCode, string>> = {
  ShiftLeft: 'shift',
  ShiftRight: 'shift',
  ControlLeft: 'control',
  ControlRight: 'control',
  AltLeft: 'alt',
  AltRight: 'alt',
  MetaLeft: 'command',
  MetaRight: 'command',
}

/**
 * libnut on macOS keeps one flag bit per modifier kind and toggles it on every key-up (`flagBuffer ^= flags`):
 * releasing Right Shift after Left Shift would turn Shift back on for good. So on macOS both Shifts are one slot:
 * the first one is pressed, the second only counted, and the key goes up when the last of them is released.
 */
export const sharedFlagSlot = (code: KeyCode, platform: string): string =>
  (platform === 'darwin' && darwinFlagSlots[code]) || code

interface Slot {
  /** The key that was physically pressed for this slot. */
  physical: KeyCode
  /** Codes holding it down (two on macOS when both Shifts are held). */
  codes: Set<KeyCode>
  /** Released for now because its renewals stopped (display-server repeat only); pressed again on a renewal. */
  stalledUp: boolean
}

export function createPressedKeys(options: PressedKeysOptions): PressedKeys {
  const { keyboard, logger, serial, platform } = options
  const slots = new Map<string, Slot>()
  const slotOf = (code: KeyCode) => slots.get(sharedFlagSlot(code, platform))
  const serverRepeats = !keyboard.repeatKey
  const record = (also?: KeyCode) => {
    if (!options.record) return
    const down = [...slots.values()].map((slot) => slot.physical)
    options.record(also ? [...down, also] : down)
  }

  const repeat = createKeyRepeat({
    ...(options.repeat && keyboard.repeatKey ? { settings: options.repeat } : {}),
    ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    onRepeat(code) {
      void serial.run(async () => {
        const slot = slotOf(code)
        if (!slot?.codes.has(code) || repeat.isStalled(code)) return
        try {
          await keyboard.repeatKey?.(code)
        } catch (error) {
          logger.warn({ code, err: error }, 'could not repeat key')
        }
      })
    },
    onStall(code) {
      logger.info({ code }, 'renewals stopped: key stops repeating')
      if (!serverRepeats) return
      // The X server repeats a held key on its own: the only way to stop it is to let the key go.
      void serial.run(async () => {
        const slot = slotOf(code)
        if (!slot || slot.stalledUp || !repeat.isStalled(code)) return
        slot.stalledUp = true
        try {
          await keyboard.releaseKey(slot.physical)
        } catch (error) {
          logger.error({ code, err: error }, 'could not release stalled key')
        }
      })
    },
    onResume(code) {
      logger.info({ code }, 'renewals resumed: key repeats again')
      if (!serverRepeats) return
      void serial.run(async () => {
        const slot = slotOf(code)
        if (!slot?.stalledUp || repeat.isStalled(code)) return
        slot.stalledUp = false
        try {
          await keyboard.pressKey(slot.physical)
        } catch (error) {
          logger.error({ code, err: error }, 'could not press resumed key')
        }
      })
    },
  })

  const press = async (code: KeyCode) => {
    const key = sharedFlagSlot(code, platform)
    const slot = slots.get(key)
    if (slot) {
      if (slot.codes.has(code)) return false
      slot.codes.add(code)
      return true
    }
    // On record before it goes down: a crash right after the press must still find it at the next start.
    record(code)
    try {
      await keyboard.pressKey(code)
    } catch (error) {
      record()
      throw error
    }
    slots.set(key, { physical: code, codes: new Set([code]), stalledUp: false })
    repeat.start(code)
    return true
  }

  const release = async (code: KeyCode) => {
    const key = sharedFlagSlot(code, platform)
    const slot = slots.get(key)
    if (!slot?.codes.has(code)) {
      logger.debug({ code }, 'not released: keyroom did not press it')
      return
    }
    slot.codes.delete(code)
    if (slot.codes.size > 0) return
    // Forget it first: a release that throws must not leave it "down" to be released again later.
    slots.delete(key)
    repeat.stop(slot.physical)
    if (slot.stalledUp) return record()
    try {
      await keyboard.releaseKey(slot.physical)
    } catch (error) {
      // Still on record: the next start tries again.
      record(slot.physical)
      throw error
    }
    record()
  }

  return {
    press,
    release,
    pressKey: async (code) => void (await press(code)),
    releaseKey: release,
    type: (text, between) => keyboard.type(text, between),
    async tap(code) {
      const slot = slotOf(code)
      if (slot?.codes.has(code)) {
        if (slot.stalledUp) {
          // Held, but let go for now (its renewals stopped): a real tap, leaving it up as it was.
          await keyboard.pressKey(slot.physical)
          await keyboard.releaseKey(slot.physical)
          return
        }
        // It is held: a second press of a held key is what a keyboard's repeat sends.
        if (keyboard.repeatKey) await keyboard.repeatKey(code)
        else await keyboard.pressKey(code)
        return
      }
      await press(code)
      await release(code)
    },
    touch: (code) => repeat.touch(code),
    isDown: (code) => slotOf(code)?.codes.has(code) ?? false,
    down: () => [...slots.values()].flatMap((slot) => [...slot.codes]),
    async releaseAll() {
      for (const code of releaseOrder([...slots.values()].flatMap((slot) => [...slot.codes]))) {
        try {
          await release(code)
        } catch (error) {
          logger.error({ code, err: error }, 'could not release key')
        }
      }
    },
  }
}
