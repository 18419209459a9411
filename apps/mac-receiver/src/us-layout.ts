import type { KeyCode } from '@keyroom/key-events'

/** One character on a US keyboard: the key and whether Shift is needed. */
export interface UsStroke {
  code: KeyCode
  shift: boolean
}

const unshifted: Record<string, KeyCode> = {
  ' ': 'Space',
  '\n': 'Enter',
  '\r': 'Enter',
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
}
const shifted: Record<string, KeyCode> = {
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
}

/**
 * How to type `char` with US key positions, or undefined. Used on Linux, where nut.js's `type()` only adds Shift for
 * capital letters (`:` arrives as `;`) and drops anything outside ASCII.
 */
export function usStroke(char: string): UsStroke | undefined {
  if (/^[a-z]$/.test(char)) return { code: `Key${char.toUpperCase()}` as KeyCode, shift: false }
  if (/^[A-Z]$/.test(char)) return { code: `Key${char}` as KeyCode, shift: true }
  if (/^[0-9]$/.test(char)) return { code: `Digit${char}` as KeyCode, shift: false }
  const plain = unshifted[char]
  if (plain) return { code: plain, shift: false }
  const withShift = shifted[char]
  if (withShift) return { code: withShift, shift: true }
  return undefined
}
