import type { KeyCode, ModifierCode, PointerButton, Result } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { createHidKeyboard, type HidKeyboard } from './hid-keyboard.js'
import { MOUSE_BUTTON_BITS, mouseReports } from './hid-reports.js'
import { createHidgWriter, type HidgWriter } from './hidg-writer.js'
import { type KeyboardLayout, strokesForText, type Unmappable } from './keyboard-layout.js'

/** The gadget's device files, one per function. */
export interface HidDevices {
  keyboard: string
  mouse: string
  consumer: string
}

/** What `hid setup` gives on a Pi with no other HID gadget (functions get minors in creation order). */
export const DEFAULT_HID_DEVICES: HidDevices = {
  keyboard: '/dev/hidg0',
  mouse: '/dev/hidg1',
  consumer: '/dev/hidg2',
}

/** Pixels of content per wheel detent: browsers report about 50–100 px per notch; 50 keeps small scrolls alive. */
export const SCROLL_PX_PER_DETENT = 50

export interface HidOutputOptions {
  devices: HidDevices
  layout: KeyboardLayout
  logger: Logger
  /** @default HID_WRITE_TIMEOUT_MS */
  timeoutMs?: number
  /** Reports stopped going through on a device (once per stall). */
  onStall?: (problem: string) => void
}

/** The agent's USB keyboard, mouse and media keys: held state in, reports out, never blocking. */
export interface HidOutput {
  readonly layout: string
  /** The keys held now (every sender's holds together); returns codes with no HID usage. */
  holdKeys(codes: Iterable<KeyCode>): KeyCode[]
  /** The mouse buttons held now. */
  holdButtons(buttons: Iterable<PointerButton>): void
  chord(modifiers: readonly ModifierCode[], code: KeyCode): void
  /** Types `text` on the target layout; refused whole (nothing typed) if any character cannot be produced. */
  type(text: string): Result<number, Unmappable>
  move(dx: number, dy: number): void
  /** Content pixels, positive `dy` showing what is below (the wheel turned towards the user). */
  scroll(dx: number, dy: number): void
  click(button: PointerButton): void
  /** More than six keys are held (the keyboard reports the phantom state). */
  rolledOver(): boolean
  /** All-zero reports on all three functions. */
  releaseAll(): void
  /** Waits (at most the write timeout) for queued reports, such as the release, to go out; closes the devices. */
  close(): Promise<void>
}

export function createHidOutput(options: HidOutputOptions): HidOutput {
  const { logger, layout } = options
  const writer = (path: string) =>
    createHidgWriter({
      path,
      logger,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.onStall === undefined ? {} : { onStall: options.onStall }),
    })
  const writers: Record<keyof HidDevices, HidgWriter> = {
    keyboard: writer(options.devices.keyboard),
    mouse: writer(options.devices.mouse),
    consumer: writer(options.devices.consumer),
  }
  const keyboard: HidKeyboard = createHidKeyboard((target, report) => writers[target].write(report))
  let buttons = 0
  // Sub-detent scrolling adds up instead of being lost.
  const scrolled = { dx: 0, dy: 0 }

  const sendMouse = (dx: number, dy: number, wheel: number, pan: number) => {
    for (const report of mouseReports(buttons, { dx, dy, wheel, pan })) writers.mouse.write(report)
  }
  const buttonBits = (held: Iterable<PointerButton>) => {
    let bits = 0
    for (const button of held) bits |= MOUSE_BUTTON_BITS[button]
    return bits
  }

  return {
    layout: layout.name,
    holdKeys: (codes) => keyboard.hold(codes),
    holdButtons(held) {
      const bits = buttonBits(held)
      if (bits === buttons) return
      buttons = bits
      sendMouse(0, 0, 0, 0)
    },
    chord: (modifiers, code) => keyboard.chord(modifiers, code),
    type(text) {
      const strokes = strokesForText(layout, text)
      if (!strokes.ok) return strokes
      for (const stroke of strokes.value) keyboard.stroke(stroke)
      return { ok: true, value: strokes.value.length }
    },
    move: (dx, dy) => sendMouse(Math.round(dx), Math.round(dy), 0, 0),
    scroll(dx, dy) {
      scrolled.dx += dx
      scrolled.dy += dy
      const pan = Math.trunc(scrolled.dx / SCROLL_PX_PER_DETENT)
      const down = Math.trunc(scrolled.dy / SCROLL_PX_PER_DETENT)
      scrolled.dx -= pan * SCROLL_PX_PER_DETENT
      scrolled.dy -= down * SCROLL_PX_PER_DETENT
      // HID's wheel is positive away from the user (content moves down): the opposite sign of ours.
      if (pan !== 0 || down !== 0) sendMouse(0, 0, -down, pan)
    },
    click(button) {
      const bit = MOUSE_BUTTON_BITS[button]
      if (buttons & bit) return
      for (const bits of [buttons | bit, buttons]) {
        for (const report of mouseReports(bits, { dx: 0, dy: 0, wheel: 0, pan: 0 }))
          writers.mouse.write(report)
      }
    },
    rolledOver: () => keyboard.rolledOver(),
    releaseAll() {
      keyboard.releaseAll()
      buttons = 0
      scrolled.dx = 0
      scrolled.dy = 0
      sendMouse(0, 0, 0, 0)
    },
    async close() {
      await Promise.all(Object.values(writers).map((w) => w.drained()))
      for (const w of Object.values(writers)) w.close()
    },
  }
}
