import type { KeyCode } from '@keyroom/key-events'

/** Quartz event flag masks (`CGEventFlags`): what libnut sets for each held modifier (libnut-core `keypress.h`). */
export const MAC_FLAGS = {
  command: 0x10_0000,
  alt: 0x8_0000,
  control: 0x4_0000,
  shift: 0x2_0000,
  fn: 0x80_0000,
} as const

const modifierFlags: Partial<Record<KeyCode, number>> = {
  MetaLeft: MAC_FLAGS.command,
  MetaRight: MAC_FLAGS.command,
  AltLeft: MAC_FLAGS.alt,
  AltRight: MAC_FLAGS.alt,
  ControlLeft: MAC_FLAGS.control,
  ControlRight: MAC_FLAGS.control,
  ShiftLeft: MAC_FLAGS.shift,
  ShiftRight: MAC_FLAGS.shift,
}

/** The flag a modifier key turns on while it is down; 0 for other keys. */
export const macFlagOf = (code: KeyCode): number => modifierFlags[code] ?? 0

/**
 * A key as macOS posts it: a virtual key code (HIToolbox `Events.h`, `kVK_*`) for a keyboard event, or an
 * `NX_KEYTYPE_*` (IOKit `ev_keymap.h`) for a media key, which is a system-defined event instead. These are the
 * codes libnut-core's macOS `keycode.h` gives the same keys, so a repeat names the key libnut pressed.
 */
export type MacKey = { kind: 'key'; code: number } | { kind: 'media'; code: number }

const keyCodes: Partial<Record<KeyCode, number>> = {
  KeyA: 0x00,
  KeyS: 0x01,
  KeyD: 0x02,
  KeyF: 0x03,
  KeyH: 0x04,
  KeyG: 0x05,
  KeyZ: 0x06,
  KeyX: 0x07,
  KeyC: 0x08,
  KeyV: 0x09,
  KeyB: 0x0b,
  KeyQ: 0x0c,
  KeyW: 0x0d,
  KeyE: 0x0e,
  KeyR: 0x0f,
  KeyY: 0x10,
  KeyT: 0x11,
  Digit1: 0x12,
  Digit2: 0x13,
  Digit3: 0x14,
  Digit4: 0x15,
  Digit6: 0x16,
  Digit5: 0x17,
  Equal: 0x18,
  Digit9: 0x19,
  Digit7: 0x1a,
  Minus: 0x1b,
  Digit8: 0x1c,
  Digit0: 0x1d,
  BracketRight: 0x1e,
  KeyO: 0x1f,
  KeyU: 0x20,
  BracketLeft: 0x21,
  KeyI: 0x22,
  KeyP: 0x23,
  Enter: 0x24,
  KeyL: 0x25,
  KeyJ: 0x26,
  Quote: 0x27,
  KeyK: 0x28,
  Semicolon: 0x29,
  Backslash: 0x2a,
  Comma: 0x2b,
  Slash: 0x2c,
  KeyN: 0x2d,
  KeyM: 0x2e,
  Period: 0x2f,
  Tab: 0x30,
  Space: 0x31,
  Backquote: 0x32,
  Backspace: 0x33,
  Escape: 0x35,
  MetaRight: 0x36,
  MetaLeft: 0x37,
  ShiftLeft: 0x38,
  CapsLock: 0x39,
  AltLeft: 0x3a,
  ControlLeft: 0x3b,
  ShiftRight: 0x3c,
  AltRight: 0x3d,
  ControlRight: 0x3e,
  F17: 0x40,
  NumpadDecimal: 0x41,
  NumpadMultiply: 0x43,
  NumpadAdd: 0x45,
  NumpadDivide: 0x4b,
  NumpadEnter: 0x4c,
  NumpadSubtract: 0x4e,
  F18: 0x4f,
  F19: 0x50,
  NumpadEqual: 0x51,
  Numpad0: 0x52,
  Numpad1: 0x53,
  Numpad2: 0x54,
  Numpad3: 0x55,
  Numpad4: 0x56,
  Numpad5: 0x57,
  Numpad6: 0x58,
  Numpad7: 0x59,
  F20: 0x5a,
  Numpad8: 0x5b,
  Numpad9: 0x5c,
  F5: 0x60,
  F6: 0x61,
  F7: 0x62,
  F3: 0x63,
  F8: 0x64,
  F9: 0x65,
  F11: 0x67,
  F13: 0x69,
  F16: 0x6a,
  F14: 0x6b,
  F10: 0x6d,
  F12: 0x6f,
  F15: 0x71,
  Home: 0x73,
  PageUp: 0x74,
  Delete: 0x75,
  F4: 0x76,
  End: 0x77,
  F2: 0x78,
  PageDown: 0x79,
  F1: 0x7a,
  ArrowLeft: 0x7b,
  ArrowRight: 0x7c,
  ArrowDown: 0x7d,
  ArrowUp: 0x7e,
}

/** libnut posts these through `IOHIDPostEvent` as NX system-defined events (its codes >= 1000, minus 1000). */
const mediaCodes: Partial<Record<KeyCode, number>> = {
  AudioVolumeUp: 0,
  AudioVolumeDown: 1,
  AudioVolumeMute: 7,
  MediaPlayPause: 16,
  MediaTrackNext: 17,
  MediaTrackPrevious: 18,
}

/** How macOS names `code`, or undefined for a key it has none for (libnut refuses those too). */
export function macKeyOf(code: KeyCode): MacKey | undefined {
  const key = keyCodes[code]
  if (key !== undefined) return { kind: 'key', code: key }
  const media = mediaCodes[code]
  return media === undefined ? undefined : { kind: 'media', code: media }
}
