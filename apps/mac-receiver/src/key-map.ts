import { fail, KEY_CODES, type KeyCode, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import type { Key } from '@nut-tree-fork/nut-js'
import { InjectError } from './keyboard.js'

/** A nut.js `Key` member name; a type-only import so that this table loads without the native library. */
export type NutKeyName = keyof typeof Key

const common: Partial<Record<KeyCode, NutKeyName>> = {
  Escape: 'Escape',
  Enter: 'Return',
  Backspace: 'Backspace',
  Tab: 'Tab',
  Space: 'Space',
  Minus: 'Minus',
  Equal: 'Equal',
  BracketLeft: 'LeftBracket',
  BracketRight: 'RightBracket',
  Backslash: 'Backslash',
  Semicolon: 'Semicolon',
  Quote: 'Quote',
  Backquote: 'Grave',
  Comma: 'Comma',
  Period: 'Period',
  Slash: 'Slash',
  CapsLock: 'CapsLock',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  Insert: 'Insert',
  Delete: 'Delete',
  PrintScreen: 'Print',
  ScrollLock: 'ScrollLock',
  NumLock: 'NumLock',
  NumpadAdd: 'Add',
  NumpadSubtract: 'Subtract',
  NumpadMultiply: 'Multiply',
  NumpadDivide: 'Divide',
  NumpadDecimal: 'Decimal',
  NumpadEnter: 'Enter',
  NumpadEqual: 'NumPadEqual',
  ShiftLeft: 'LeftShift',
  ShiftRight: 'RightShift',
  ControlLeft: 'LeftControl',
  ControlRight: 'RightControl',
  AltLeft: 'LeftAlt',
  AltRight: 'RightAlt',
  AudioVolumeUp: 'AudioVolUp',
  AudioVolumeDown: 'AudioVolDown',
  AudioVolumeMute: 'AudioMute',
  MediaPlayPause: 'AudioPlay',
  MediaStop: 'AudioStop',
  MediaTrackNext: 'AudioNext',
  MediaTrackPrevious: 'AudioPrev',
}
for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') common[`Key${letter}` as KeyCode] = letter as NutKeyName
for (let d = 0; d <= 9; d++) {
  common[`Digit${d}` as KeyCode] = `Num${d}` as NutKeyName
  common[`Numpad${d}` as KeyCode] = `NumPad${d}` as NutKeyName
}
for (let f = 1; f <= 24; f++) common[`F${f}` as KeyCode] = `F${f}` as NutKeyName

/**
 * Codes that have no key on a platform, and why. nut.js has no IntlBackslash key, and maps Pause to nothing (it would
 * silently do nothing). On macOS, libnut has no key for Insert, PrintScreen, Menu, NumLock, ScrollLock and MediaStop.
 * On Linux, Cmd/Fn/Menu throw "Invalid key code", and XTest kills the whole process with an
 * X error for a key the server's keymap lacks (F13-F24 under a plain X server), so those are refused up front.
 */
const unsupported: Record<string, Partial<Record<KeyCode, string>>> = {
  all: {
    IntlBackslash: 'nut.js has no key for IntlBackslash',
    Pause: 'nut.js cannot press Pause',
  },
  darwin: {
    ...Object.fromEntries(
      ['F21', 'F22', 'F23', 'F24'].map((f) => [f, `macOS keyboards stop at F20, there is no ${f}`]),
    ),
    // libnut-core's macOS keycode.h has K_NOT_A_KEY for these: libnut throws "Invalid key code specified".
    ...Object.fromEntries(
      ['Insert', 'PrintScreen', 'ContextMenu', 'NumLock', 'ScrollLock', 'MediaStop'].map((code) => [
        code,
        `libnut has no macOS key for ${code}`,
      ]),
    ),
  },
  linux: {
    ContextMenu: 'nut.js has no Menu key on Linux',
    ...Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [
        `F${i + 13}`,
        `F${i + 13} is not in a standard X keymap (XTest would abort the process)`,
      ]),
    ),
  },
}

const platformKeys: Record<string, Partial<Record<KeyCode, NutKeyName>>> = {
  darwin: { MetaLeft: 'LeftCmd', MetaRight: 'RightCmd' },
  linux: { MetaLeft: 'LeftSuper', MetaRight: 'RightSuper' },
  win32: { MetaLeft: 'LeftWin', MetaRight: 'RightWin', ContextMenu: 'Menu' },
}

/** The nut.js key for a key-events code on `platform`, or why there is none (its `path` is the code). */
export function nutKeyFor(
  code: KeyCode,
  platform: string = process.platform,
): Result<NutKeyName, ProtocolError<'unsupported-key'>> {
  const refused = unsupported.all?.[code] ?? unsupported[platform]?.[code]
  if (refused) return fail('unsupported-key', refused, code)
  const specific = platformKeys[platform] ?? platformKeys.linux
  const key = specific?.[code] ?? common[code]
  if (!key) return fail('unsupported-key', `${code} has no key on ${platform}`, code)
  return ok(key)
}

/** The nut.js key name for `code`, or an {@link InjectError} that names the key and says why. */
export function requireNutKey(code: KeyCode, platform: string = process.platform): NutKeyName {
  const mapping = nutKeyFor(code, platform)
  if (!mapping.ok)
    throw new InjectError(
      'unsupported-key',
      `${code} cannot be injected on ${platform}: ${mapping.error.message}`,
      code,
    )
  return mapping.value
}

/** Every code `platform` refuses, with the reason: what a receiver announces it cannot press. */
export function refusedCodes(platform: string = process.platform): Array<{ code: KeyCode; reason: string }> {
  return KEY_CODES.flatMap((code) => {
    const mapping = nutKeyFor(code, platform)
    return mapping.ok ? [] : [{ code, reason: mapping.error.message }]
  })
}
