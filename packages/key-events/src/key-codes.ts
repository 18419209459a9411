import { z } from 'zod/mini'

const letters = [
  'KeyA',
  'KeyB',
  'KeyC',
  'KeyD',
  'KeyE',
  'KeyF',
  'KeyG',
  'KeyH',
  'KeyI',
  'KeyJ',
  'KeyK',
  'KeyL',
  'KeyM',
  'KeyN',
  'KeyO',
  'KeyP',
  'KeyQ',
  'KeyR',
  'KeyS',
  'KeyT',
  'KeyU',
  'KeyV',
  'KeyW',
  'KeyX',
  'KeyY',
  'KeyZ',
] as const
const digits = [
  'Digit0',
  'Digit1',
  'Digit2',
  'Digit3',
  'Digit4',
  'Digit5',
  'Digit6',
  'Digit7',
  'Digit8',
  'Digit9',
] as const
const functionKeys = [
  'F1',
  'F2',
  'F3',
  'F4',
  'F5',
  'F6',
  'F7',
  'F8',
  'F9',
  'F10',
  'F11',
  'F12',
  'F13',
  'F14',
  'F15',
  'F16',
  'F17',
  'F18',
  'F19',
  'F20',
  'F21',
  'F22',
  'F23',
  'F24',
] as const
const numpadDigits = [
  'Numpad0',
  'Numpad1',
  'Numpad2',
  'Numpad3',
  'Numpad4',
  'Numpad5',
  'Numpad6',
  'Numpad7',
  'Numpad8',
  'Numpad9',
] as const

/** Modifier keys, by their W3C `KeyboardEvent.code`. */
export const MODIFIER_CODES = [
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'ControlRight',
  'AltLeft',
  'AltRight',
  'MetaLeft',
  'MetaRight',
] as const

/** Media and volume keys. */
export const MEDIA_CODES = [
  'AudioVolumeUp',
  'AudioVolumeDown',
  'AudioVolumeMute',
  'MediaPlayPause',
  'MediaStop',
  'MediaTrackNext',
  'MediaTrackPrevious',
] as const

/** Every key keyroom can name: the W3C `KeyboardEvent.code` values of a full keyboard. */
export const KEY_CODES = [
  ...letters,
  ...digits,
  ...functionKeys,
  ...MODIFIER_CODES,
  ...MEDIA_CODES,
  'Enter',
  'Escape',
  'Backspace',
  'Tab',
  'Space',
  'Minus',
  'Equal',
  'BracketLeft',
  'BracketRight',
  'Backslash',
  'IntlBackslash',
  'Semicolon',
  'Quote',
  'Backquote',
  'Comma',
  'Period',
  'Slash',
  'CapsLock',
  'ContextMenu',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Insert',
  'Delete',
  'PrintScreen',
  'ScrollLock',
  'Pause',
  'NumLock',
  ...numpadDigits,
  'NumpadAdd',
  'NumpadSubtract',
  'NumpadMultiply',
  'NumpadDivide',
  'NumpadDecimal',
  'NumpadEnter',
  'NumpadEqual',
] as const

export const KeyCode = z.enum(KEY_CODES, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a key code keyroom knows (KeyboardEvent.code names: KeyQ, Digit1, Enter, ArrowLeft, F1…)`,
})
export type KeyCode = z.infer<typeof KeyCode>

export const ModifierCode = z.enum(MODIFIER_CODES, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a modifier (${MODIFIER_CODES.join(', ')})`,
})
export type ModifierCode = z.infer<typeof ModifierCode>

const modifierSet: ReadonlySet<string> = new Set(MODIFIER_CODES)
export const isModifier = (code: string): code is ModifierCode => modifierSet.has(code)
const keySet: ReadonlySet<string> = new Set(KEY_CODES)
export const isKeyCode = (code: string): code is KeyCode => keySet.has(code)
