/** Input reports of the three gadget functions, byte for byte as their report descriptors (`hid-descriptors.ts`) say. */

/** Modifier bits, a reserved byte, six key slots: the boot keyboard report (HID 1.11 appendix B.1). */
export const KEYBOARD_REPORT_LENGTH = 8
/** Buttons, X, Y, wheel, horizontal pan. */
export const MOUSE_REPORT_LENGTH = 5
/** One 16-bit consumer usage, little-endian. */
export const CONSUMER_REPORT_LENGTH = 2

/** How many non-modifier keys one keyboard report can carry. */
export const KEY_SLOTS = 6
/** Usage 0x01 on the keyboard page: "too many keys", sent in every slot (HID 1.11 appendix C, the phantom state). */
export const ERROR_ROLL_OVER = 0x01

/**
 * The keyboard report for the modifier bits and the held keys (usages, in press order). More than six keys is the
 * spec's phantom state: every slot says ErrorRollOver, the modifier byte stays true, and hosts keep the keys they
 * had (Linux's hid-input ignores such a report) until a report with six or fewer arrives.
 */
export function keyboardReport(modifiers: number, keys: readonly number[]): Buffer {
  const report = Buffer.alloc(KEYBOARD_REPORT_LENGTH)
  report[0] = modifiers & 0xff
  if (keys.length > KEY_SLOTS) report.fill(ERROR_ROLL_OVER, 2)
  else Buffer.from(keys).copy(report, 2)
  return report
}

/** The consumer report for one usage (0 = nothing pressed). */
export function consumerReport(usage: number): Buffer {
  const report = Buffer.alloc(CONSUMER_REPORT_LENGTH)
  report.writeUInt16LE(usage)
  return report
}

/** Button bits of the mouse report: Button page usages 1–5 (primary, secondary, tertiary, back, forward). */
export const MOUSE_BUTTON_BITS = { left: 0x01, right: 0x02, middle: 0x04, back: 0x08, forward: 0x10 } as const
export type MouseButton = keyof typeof MOUSE_BUTTON_BITS

/** Relative motion in one report is an 8-bit signed value with the descriptor's logical range −127…127. */
export const MAX_MOTION = 127

export interface MouseMotion {
  /** Right is positive. */
  dx: number
  /** Down is positive (screen coordinates, as HID's Y). */
  dy: number
  /** Wheel detents; positive scrolls up, away from the user (HID's Wheel). */
  wheel: number
  /** Horizontal detents; positive scrolls right (Consumer page AC Pan). */
  pan: number
}

const AXES = ['dx', 'dy', 'wheel', 'pan'] as const
const step = (rest: number) => Math.max(-MAX_MOTION, Math.min(MAX_MOTION, rest))

/**
 * Mouse reports for the held buttons and one relative motion: a move beyond ±127 becomes several reports, each
 * axis spread evenly so the pointer travels a straight line. Integer counts only; the caller rounds.
 */
export function mouseReports(buttons: number, motion: MouseMotion): Buffer[] {
  const count = Math.max(
    1,
    ...AXES.map((axis) => motion[axis]).map((v) => Math.ceil(Math.abs(v) / MAX_MOTION)),
  )
  const reports: Buffer[] = []
  const sent = { dx: 0, dy: 0, wheel: 0, pan: 0 }
  for (let i = 1; i <= count; i += 1) {
    const report = Buffer.alloc(MOUSE_REPORT_LENGTH)
    report[0] = buttons & 0x1f
    for (const [index, axis] of AXES.entries()) {
      // Where this axis should be after report i of count, minus what was sent: never more than ±127.
      const value = step(Math.round((motion[axis] * i) / count) - sent[axis])
      sent[axis] += value
      report.writeInt8(value, 1 + index)
    }
    reports.push(report)
  }
  return reports
}
