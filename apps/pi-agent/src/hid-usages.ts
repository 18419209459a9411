import type { KeyCode } from '@keyroom/key-events'

/**
 * W3C `KeyboardEvent.code` → usage ID on the Keyboard/Keypad page (0x07) of the USB HID Usage Tables (chapter 10).
 * Codes name key positions and so do these usages: layout is the host's business, not ours.
 */
const KEYBOARD_USAGES: ReadonlyMap<KeyCode, number> = new Map<KeyCode, number>([
  ...[...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((l, i) => [`Key${l}` as KeyCode, 0x04 + i] as const),
  // Keyboard 1 ! is 0x1e … 9 ( is 0x26, 0 ) is 0x27.
  ...[...'123456789'].map((d, i) => [`Digit${d}` as KeyCode, 0x1e + i] as const),
  ['Digit0', 0x27],
  ['Enter', 0x28],
  ['Escape', 0x29],
  ['Backspace', 0x2a],
  ['Tab', 0x2b],
  ['Space', 0x2c],
  ['Minus', 0x2d],
  ['Equal', 0x2e],
  ['BracketLeft', 0x2f],
  ['BracketRight', 0x30],
  ['Backslash', 0x31],
  ['Semicolon', 0x33],
  ['Quote', 0x34],
  ['Backquote', 0x35],
  ['Comma', 0x36],
  ['Period', 0x37],
  ['Slash', 0x38],
  ['CapsLock', 0x39],
  ...Array.from({ length: 12 }, (_, i) => [`F${i + 1}` as KeyCode, 0x3a + i] as const),
  ['PrintScreen', 0x46],
  ['ScrollLock', 0x47],
  ['Pause', 0x48],
  ['Insert', 0x49],
  ['Home', 0x4a],
  ['PageUp', 0x4b],
  ['Delete', 0x4c],
  ['End', 0x4d],
  ['PageDown', 0x4e],
  ['ArrowRight', 0x4f],
  ['ArrowLeft', 0x50],
  ['ArrowDown', 0x51],
  ['ArrowUp', 0x52],
  ['NumLock', 0x53],
  ['NumpadDivide', 0x54],
  ['NumpadMultiply', 0x55],
  ['NumpadSubtract', 0x56],
  ['NumpadAdd', 0x57],
  ['NumpadEnter', 0x58],
  ...[...'123456789'].map((d, i) => [`Numpad${d}` as KeyCode, 0x59 + i] as const),
  ['Numpad0', 0x62],
  ['NumpadDecimal', 0x63],
  ['IntlBackslash', 0x64],
  ['ContextMenu', 0x65],
  ['NumpadEqual', 0x67],
  ...Array.from({ length: 12 }, (_, i) => [`F${i + 13}` as KeyCode, 0x68 + i] as const),
])

/** The highest usage a key slot of the keyboard report carries (F24); the report descriptor's logical maximum. */
export const MAX_KEY_USAGE = 0x73

/** Bit of each modifier in the report's first byte: usages 0xE0–0xE7 in order (Usage Tables 10, HID 1.11 8.3). */
const MODIFIER_BITS: ReadonlyMap<KeyCode, number> = new Map<KeyCode, number>([
  ['ControlLeft', 0x01],
  ['ShiftLeft', 0x02],
  ['AltLeft', 0x04],
  ['MetaLeft', 0x08],
  ['ControlRight', 0x10],
  ['ShiftRight', 0x20],
  ['AltRight', 0x40],
  ['MetaRight', 0x80],
])

/** Media keys → usage ID on the Consumer page (0x0C, Usage Tables chapter 15). */
const CONSUMER_USAGES: ReadonlyMap<KeyCode, number> = new Map<KeyCode, number>([
  ['MediaTrackNext', 0xb5],
  ['MediaTrackPrevious', 0xb6],
  ['MediaStop', 0xb7],
  ['MediaPlayPause', 0xcd],
  ['AudioVolumeMute', 0xe2],
  ['AudioVolumeUp', 0xe9],
  ['AudioVolumeDown', 0xea],
])

/** Where a key goes in the gadget's reports. */
export type HidUsage =
  | { page: 'keyboard'; usage: number }
  | { page: 'modifier'; bit: number }
  | { page: 'consumer'; usage: number }

/** The usage of a key code, or undefined for a code no HID report carries (none today: a test walks them all). */
export function hidUsage(code: KeyCode): HidUsage | undefined {
  const bit = MODIFIER_BITS.get(code)
  if (bit !== undefined) return { page: 'modifier', bit }
  const usage = KEYBOARD_USAGES.get(code)
  if (usage !== undefined) return { page: 'keyboard', usage }
  const consumer = CONSUMER_USAGES.get(code)
  if (consumer !== undefined) return { page: 'consumer', usage: consumer }
  return undefined
}
