import type { PointerButton } from '@keyroom/key-events'
import type { NativeMouse } from '../src/nut-pointer.js'

/** A Quartz event as libnut's macOS mouse code posts it (`CGEventPost(kCGHIDEventTap, …)`). */
export interface PostedEvent {
  type: string
  x: number
  y: number
  /** `kCGMouseEventClickState`: CGEventCreateMouseEvent's 1 unless libnut sets it (only doubleClick sets 2). */
  clickState?: number
  /** Scroll wheel events: pixel units, wheel1 (y, up positive) and wheel2 (x, left positive). */
  wheel?: { y: number; x: number }
}

const cgButton = { left: 'Left', right: 'Right', middle: 'Other' } as const

/**
 * libnut's macOS mouse (libnut-core `src/macos/mouse.c`, 2.7.x), modelled for tests on machines without a Mac:
 * `moveMouse` posts LeftMouseDragged when the HID state has the left button down, RightMouseDragged for the
 * right one, otherwise MouseMoved (a held middle button still gets MouseMoved); `dragMouse` posts the drag type of
 * the button given; `toggleMouse` posts Down/Up at the current position with the default click state;
 * `doubleClick` posts one Down and one Up with click state 2; `scrollMouse(x, y)` posts a 2-axis pixel scroll
 * wheel event (wheel1 = y, wheel2 = x). Posting at the HID tap updates the HID button state.
 */
export function createLibnutDarwinMouse(start = { x: 500, y: 400 }) {
  const events: PostedEvent[] = []
  const hidDown = new Set<PointerButton>()
  const at = { ...start }
  let delay = 10
  const post = (type: string, extra: Partial<PostedEvent> = {}) => events.push({ type, ...at, ...extra })
  const toggle = (down: boolean, button: PointerButton, clickState = 1) => {
    post(`${cgButton[button]}Mouse${down ? 'Down' : 'Up'}`, { clickState })
    if (down) hidDown.add(button)
    else hidDown.delete(button)
  }
  const mouse: NativeMouse & { events: PostedEvent[]; delay(): number } = {
    events,
    delay: () => delay,
    setMouseDelay(ms) {
      delay = ms
    },
    getMousePos: () => ({ ...at }),
    moveMouse(x, y) {
      at.x = x
      at.y = y
      post(
        hidDown.has('left') ? 'LeftMouseDragged' : hidDown.has('right') ? 'RightMouseDragged' : 'MouseMoved',
      )
    },
    dragMouse(x, y, button) {
      at.x = x
      at.y = y
      post(`${cgButton[button]}MouseDragged`)
    },
    mouseToggle(down, button) {
      toggle(down === 'down', button)
    },
    mouseClick(button, double) {
      if (double) {
        toggle(true, button, 2)
        toggle(false, button, 2)
        return
      }
      toggle(true, button)
      toggle(false, button)
    },
    scrollMouse(x, y) {
      post('ScrollWheel', { wheel: { y, x } })
    },
  }
  return mouse
}
