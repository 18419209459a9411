import { createRequire } from 'node:module'
import type { PointerButton } from '@keyroom/key-events'
import { InjectError } from './keyboard.js'
import type { Pointer } from './pointer.js'

/**
 * The libnut mouse functions the pointer uses, as the native module exports them (the `@nut-tree-fork/libnut-*`
 * packages that nut.js loads). nut.js's own mouse provider hides `dragMouse`, which macOS drags need.
 */
export interface NativeMouse {
  setMouseDelay(ms: number): void
  getMousePos(): { x: number; y: number }
  moveMouse(x: number, y: number): void
  /** Posts a drag event for `button` (macOS: `k…MouseDragged`; Linux: the same as moveMouse). */
  dragMouse(x: number, y: number, button: PointerButton): void
  mouseToggle(down: 'down' | 'up', button: PointerButton): void
  /** `double`: macOS posts one down/up pair with click state 2; Linux clicks twice 200 ms apart. */
  mouseClick(button: PointerButton, double?: boolean): void
  /** macOS: pixels; Linux: wheel notches (XTest buttons 4-7). x > 0 scrolls left, y > 0 up, on both. */
  scrollMouse(x: number, y: number): void
}

export interface NutPointerOptions {
  /** @default process.platform */
  platform?: string
  /** @default the libnut module nut.js loads */
  native?: NativeMouse
  /** For click counting. @default performance.now */
  now?: () => number
}

/** Two clicks closer than this (and DOUBLE_CLICK_SLOP points) are a double click (macOS's default interval). */
export const DOUBLE_CLICK_MS = 500
export const DOUBLE_CLICK_SLOP = 4
/** Linux scrolls in wheel notches: one notch per this many pixels of content (a notch is about 3 lines). */
export const PIXELS_PER_NOTCH = 50

const flip = (n: number) => (n === 0 ? 0 : -n)

/** The libnut instance nut.js itself uses (same path, so the same native module and X connection). */
export function loadNativeMouse(): NativeMouse {
  const require = createRequire(import.meta.url)
  const fromNut = createRequire(require.resolve('@nut-tree-fork/nut-js'))
  const fromLibnut = createRequire(fromNut.resolve('@nut-tree-fork/libnut'))
  return (fromLibnut('./import_libnut.js') as { libnut: NativeMouse }).libnut
}

/**
 * The real pointer. What libnut does, read in its source (libnut-core `src/macos/mouse.c`, `src/linux/mouse.c`), and
 * what this fills in:
 * - moves are absolute in libnut: we read the position and add the delta;
 * - macOS `moveMouse` posts a drag only for a held left or right button (by the HID state), never for the middle
 *   one: while a button is held we post `dragMouse` for it ourselves; X11 turns a warp into a drag by itself;
 * - macOS needs the click count on the event (`kCGMouseEventClickState`): libnut's `toggleMouse` leaves it at 1 and
 *   only its double click sets 2, so a click close enough to the previous one is posted as libnut's double click;
 *   X11 clients count clicks themselves, so Linux always gets single clicks;
 * - macOS scrolls in pixels, Linux in notches (accumulated here); libnut's axes point up and left, ours down/right.
 */
export async function createNutPointer(options: NutPointerOptions = {}): Promise<Pointer> {
  const platform = options.platform ?? process.platform
  const native = options.native ?? loadNativeMouse()
  const now = options.now ?? (() => performance.now())
  const mac = platform === 'darwin'
  // libnut sleeps mouseDelay (10 ms by default) after every call.
  native.setMouseDelay(0)
  const held: PointerButton[] = []
  let lastClick: { button: PointerButton; at: number; x: number; y: number; count: number } | undefined
  const notches = { x: 0, y: 0 }

  const run = async (action: () => void) => {
    try {
      action()
    } catch (error) {
      throw new InjectError('inject-failed', error instanceof Error ? error.message : String(error))
    }
  }

  return {
    move: (dx, dy) =>
      run(() => {
        const at = native.getMousePos()
        const x = at.x + dx
        const y = at.y + dy
        // macOS: the first held button drags, in libnut's own order (left, then right), then middle.
        const dragging = mac
          ? (['left', 'right', 'middle'] as const).find((b) => held.includes(b))
          : undefined
        if (dragging) native.dragMouse(x, y, dragging)
        else native.moveMouse(x, y)
      }),
    press: (button) =>
      run(() => {
        native.mouseToggle('down', button)
        if (!held.includes(button)) held.push(button)
      }),
    release: (button) =>
      run(() => {
        native.mouseToggle('up', button)
        const i = held.indexOf(button)
        if (i >= 0) held.splice(i, 1)
      }),
    click: (button) =>
      run(() => {
        if (!mac) return native.mouseClick(button)
        const at = native.getMousePos()
        const t = now()
        const near =
          lastClick !== undefined &&
          lastClick.button === button &&
          t - lastClick.at <= DOUBLE_CLICK_MS &&
          Math.abs(at.x - lastClick.x) <= DOUBLE_CLICK_SLOP &&
          Math.abs(at.y - lastClick.y) <= DOUBLE_CLICK_SLOP
        const count = near && lastClick ? lastClick.count + 1 : 1
        lastClick = { button, at: t, x: at.x, y: at.y, count }
        // libnut can post click state 1 or 2; a triple click goes out as another double.
        native.mouseClick(button, count >= 2)
      }),
    scroll: (dx, dy) =>
      run(() => {
        if (mac) return native.scrollMouse(flip(dx), flip(dy))
        notches.x += dx / PIXELS_PER_NOTCH
        notches.y += dy / PIXELS_PER_NOTCH
        const x = Math.trunc(notches.x)
        const y = Math.trunc(notches.y)
        notches.x -= x
        notches.y -= y
        if (x !== 0 || y !== 0) native.scrollMouse(flip(x), flip(y))
      }),
  }
}
