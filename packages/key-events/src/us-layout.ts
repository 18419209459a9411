import type { KeyCode } from './key-codes.js'

/** One character on a US keyboard: the key and whether Shift is needed. */
export interface UsStroke {
  code: KeyCode
  shift: boolean
}

/** Characters typed with their key alone on a US (ANSI) keyboard, besides letters and digits. */
export const US_UNSHIFTED: ReadonlyMap<string, KeyCode> = new Map(
  Object.entries({
    ' ': 'Space',
    '\n': 'Enter',
    '\t': 'Tab',
    '-': 'Minus',
    '=': 'Equal',
    '[': 'BracketLeft',
    ']': 'BracketRight',
    '\\': 'Backslash',
    ';': 'Semicolon',
    "'": 'Quote',
    '`': 'Backquote',
    ',': 'Comma',
    '.': 'Period',
    '/': 'Slash',
  } satisfies Record<string, KeyCode>),
)
/** Characters typed with Shift on a US (ANSI) keyboard, besides capitals. */
export const US_SHIFTED: ReadonlyMap<string, KeyCode> = new Map(
  Object.entries({
    '~': 'Backquote',
    '!': 'Digit1',
    '@': 'Digit2',
    '#': 'Digit3',
    $: 'Digit4',
    '%': 'Digit5',
    '^': 'Digit6',
    '&': 'Digit7',
    '*': 'Digit8',
    '(': 'Digit9',
    ')': 'Digit0',
    _: 'Minus',
    '+': 'Equal',
    '{': 'BracketLeft',
    '}': 'BracketRight',
    '|': 'Backslash',
    ':': 'Semicolon',
    '"': 'Quote',
    '<': 'Comma',
    '>': 'Period',
    '?': 'Slash',
  } satisfies Record<string, KeyCode>),
)

/**
 * How to type `char` with US key positions, or undefined. Used on Linux, where nut.js's `type()` only adds Shift for
 * capital letters (`:` arrives as `;`) and drops anything outside ASCII.
 */
export function usStroke(char: string): UsStroke | undefined {
  if (/^[a-z]$/.test(char)) return { code: `Key${char.toUpperCase()}` as KeyCode, shift: false }
  if (/^[A-Z]$/.test(char)) return { code: `Key${char}` as KeyCode, shift: true }
  if (/^[0-9]$/.test(char)) return { code: `Digit${char}` as KeyCode, shift: false }
  // A carriage return types Enter too (text from Windows), but it is not a character of the layout.
  const plain = char === '\r' ? 'Enter' : US_UNSHIFTED.get(char)
  if (plain) return { code: plain, shift: false }
  const withShift = US_SHIFTED.get(char)
  if (withShift) return { code: withShift, shift: true }
  return undefined
}
