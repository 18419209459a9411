import type { KeyCode, ModifierCode } from '@keyroom/key-events'
import { isModifier } from '@keyroom/key-events'

/** One key on a layout: the code it sends, its label (also its accessible name) and its relative width. */
export interface KeyDef {
  code: KeyCode
  label: string
  /** Width in key units. @default 1 */
  width?: number
  /** What the key shows when that differs from its accessible name (an arrow for "Left"). */
  glyph?: string
}

/** A grid of keys the user switches to with one tap. */
export interface Layout {
  id: LayoutId
  /** Name on the layout switcher. */
  name: string
  rows: KeyDef[][]
}

export const LAYOUT_IDS = [
  'qwerty',
  'symbols',
  'numpad',
  'navigation',
  'function',
  'media',
  'trackpad',
  'macros',
] as const
export type LayoutId = (typeof LAYOUT_IDS)[number]

const k = (code: KeyCode, label: string, width?: number, glyph?: string): KeyDef => ({
  code,
  label,
  ...(width === undefined || width === 1 ? {} : { width }),
  ...(glyph === undefined ? {} : { glyph }),
})
const letters = (row: string): KeyDef[] => [...row].map((c) => k(`Key${c}` as KeyCode, c))

/**
 * Eleven units a row, so that portrait keys are as wide as a phone keyboard's (about 31 px on a 390 px screen):
 * letters, digits, both Shifts, arrows, Enter and Backspace here; the other punctuation on the symbols layout.
 */
const qwerty: Layout = {
  id: 'qwerty',
  name: 'ABC',
  rows: [
    [...[...'1234567890'].map((d) => k(`Digit${d}` as KeyCode, d)), k('Backspace', 'Backspace', 1, '⌫')],
    [k('Tab', 'Tab', 1, '⇥'), ...letters('QWERTYUIOP')],
    [k('Escape', 'Esc'), ...letters('ASDFGHJKL'), k('Enter', 'Enter', 1, '⏎')],
    [
      k('ShiftLeft', 'Shift', 1.5, '⇧'),
      ...letters('ZXCVBNM'),
      k('ArrowUp', 'Up', 1, '↑'),
      k('ShiftRight', 'Right Shift', 1.5, '⇧'),
    ],
    [
      k('ControlLeft', 'Ctrl'),
      k('AltLeft', 'Alt'),
      k('MetaLeft', 'Cmd', 1, '⌘'),
      k('Comma', ','),
      k('Space', 'Space', 3),
      k('Period', '.'),
      k('ArrowLeft', 'Left', 1, '←'),
      k('ArrowDown', 'Down', 1, '↓'),
      k('ArrowRight', 'Right', 1, '→'),
    ],
  ],
}

/** The punctuation the letter layout leaves out, with Shift for the shifted signs. */
const symbols: Layout = {
  id: 'symbols',
  name: '#+=',
  rows: [
    [k('Backquote', '`'), k('Minus', '-'), k('Equal', '='), k('Backslash', '\\')],
    [k('BracketLeft', '['), k('BracketRight', ']'), k('Semicolon', ';'), k('Quote', "'")],
    [k('Comma', ','), k('Period', '.'), k('Slash', '/'), k('Backspace', 'Backspace', 1, '⌫')],
    [
      k('ShiftLeft', 'Shift', 1, '⇧'),
      k('CapsLock', 'Caps Lock', 1, '⇪'),
      k('Space', 'Space'),
      k('Enter', 'Enter', 1, '⏎'),
    ],
  ],
}

const numpad: Layout = {
  id: 'numpad',
  name: '123',
  rows: [
    [k('NumLock', 'Num'), k('NumpadDivide', '÷'), k('NumpadMultiply', '×'), k('NumpadSubtract', '−')],
    [k('Numpad7', '7'), k('Numpad8', '8'), k('Numpad9', '9'), k('NumpadAdd', '+')],
    [k('Numpad4', '4'), k('Numpad5', '5'), k('Numpad6', '6'), k('Backspace', 'Backspace')],
    [k('Numpad1', '1'), k('Numpad2', '2'), k('Numpad3', '3'), k('NumpadEnter', 'Enter')],
    [k('Numpad0', '0', 2), k('NumpadDecimal', '.'), k('Tab', 'Tab')],
  ],
}

const navigation: Layout = {
  id: 'navigation',
  name: 'Nav',
  rows: [
    [k('Escape', 'Esc'), k('Tab', 'Tab'), k('Insert', 'Ins'), k('Delete', 'Del')],
    [k('Home', 'Home'), k('ArrowUp', 'Up', 1, '↑'), k('End', 'End'), k('PageUp', 'PgUp')],
    [
      k('ArrowLeft', 'Left', 1, '←'),
      k('ArrowDown', 'Down', 1, '↓'),
      k('ArrowRight', 'Right', 1, '→'),
      k('PageDown', 'PgDn'),
    ],
    [k('ShiftLeft', 'Shift'), k('ControlLeft', 'Ctrl'), k('AltLeft', 'Alt'), k('MetaLeft', 'Cmd')],
    [k('Backspace', 'Backspace', 2), k('Enter', 'Enter', 2)],
  ],
}

const fn: Layout = {
  id: 'function',
  name: 'F1-12',
  rows: [
    [k('F1', 'F1'), k('F2', 'F2'), k('F3', 'F3'), k('F4', 'F4')],
    [k('F5', 'F5'), k('F6', 'F6'), k('F7', 'F7'), k('F8', 'F8')],
    [k('F9', 'F9'), k('F10', 'F10'), k('F11', 'F11'), k('F12', 'F12')],
    [k('ShiftLeft', 'Shift'), k('ControlLeft', 'Ctrl'), k('AltLeft', 'Alt'), k('MetaLeft', 'Cmd')],
    [k('Escape', 'Esc'), k('PrintScreen', 'PrtSc'), k('ScrollLock', 'ScrLk'), k('Pause', 'Pause')],
  ],
}

const media: Layout = {
  id: 'media',
  name: 'Media',
  rows: [
    [k('MediaTrackPrevious', 'Previous'), k('MediaPlayPause', 'Play/Pause'), k('MediaTrackNext', 'Next')],
    [k('AudioVolumeDown', 'Volume down'), k('AudioVolumeMute', 'Mute'), k('AudioVolumeUp', 'Volume up')],
    [k('MediaStop', 'Stop'), k('Space', 'Space', 2)],
  ],
}

/** The trackpad tab: a touch surface (trackpad.tsx) beside this compact key row, for slides and media PCs. */
const trackpad: Layout = {
  id: 'trackpad',
  name: 'Trackpad',
  rows: [
    [k('Escape', 'Esc'), k('ArrowUp', 'Up', 1, '↑'), k('Enter', 'Enter', 1, '⏎')],
    [k('ArrowLeft', 'Left', 1, '←'), k('ArrowDown', 'Down', 1, '↓'), k('ArrowRight', 'Right', 1, '→')],
    [k('ShiftLeft', 'Shift'), k('ControlLeft', 'Ctrl'), k('AltLeft', 'Alt'), k('MetaLeft', 'Cmd', 1, '⌘')],
  ],
}

/** The macro pad has no fixed keys: its buttons are the user's macros (see macros.ts). */
const macros: Layout = { id: 'macros', name: 'Macros', rows: [] }

export const LAYOUTS: readonly Layout[] = [qwerty, symbols, numpad, navigation, fn, media, trackpad, macros]

export function getLayout(id: LayoutId): Layout {
  const layout = LAYOUTS.find((l) => l.id === id)
  if (!layout) throw new RangeError(`unknown layout ${id}`)
  return layout
}

export const isLayoutId = (value: unknown): value is LayoutId =>
  typeof value === 'string' && (LAYOUT_IDS as readonly string[]).includes(value)

/** Modifier keys latch instead of holding (see modifiers.ts). */
export const modifierOf = (key: KeyDef): ModifierCode | undefined =>
  isModifier(key.code) ? key.code : undefined

/** Width of a row in key units, for the grid. */
export const rowUnits = (row: readonly KeyDef[]): number =>
  row.reduce((sum, key) => sum + (key.width ?? 1), 0)

/** A key code's label on the first layout that has it (the code itself for one no layout shows). */
export function labelOf(code: string): string {
  for (const layout of LAYOUTS)
    for (const row of layout.rows) for (const key of row) if (key.code === code) return key.label
  return code
}
