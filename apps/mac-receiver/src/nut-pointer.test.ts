import { describe, expect, it } from 'vitest'
import { createLibnutDarwinMouse } from '../test/libnut-darwin-mouse.js'
import { createNutPointer, DOUBLE_CLICK_MS, type NativeMouse, PIXELS_PER_NOTCH } from './nut-pointer.js'

function clock() {
  let t = 1000
  return {
    now: () => t,
    advance(ms: number) {
      t += ms
    },
  }
}

describe('nut pointer on macOS (libnut double)', () => {
  it('moves relative to where the pointer is, with no libnut delay', async () => {
    const native = createLibnutDarwinMouse({ x: 100, y: 100 })
    const pointer = await createNutPointer({ platform: 'darwin', native })
    await pointer.move(15, -7)
    await pointer.move(-5, 2)
    expect(native.getMousePos()).toEqual({ x: 110, y: 95 })
    expect(native.events.map((e) => e.type)).toEqual(['MouseMoved', 'MouseMoved'])
    expect(native.delay()).toBe(0)
  })

  it('drags with the held button, the middle one too (libnut alone would post MouseMoved for it)', async () => {
    const native = createLibnutDarwinMouse()
    const pointer = await createNutPointer({ platform: 'darwin', native })
    await pointer.press('middle')
    await pointer.move(10, 0)
    await pointer.release('middle')
    await pointer.press('left')
    await pointer.move(0, 10)
    await pointer.release('left')
    await pointer.move(1, 1)
    expect(native.events.map((e) => e.type)).toEqual([
      'OtherMouseDown',
      'OtherMouseDragged',
      'OtherMouseUp',
      'LeftMouseDown',
      'LeftMouseDragged',
      'LeftMouseUp',
      'MouseMoved',
    ])
  })

  it('posts a second click within the interval and in place as a double click (click state 2)', async () => {
    const native = createLibnutDarwinMouse()
    const time = clock()
    const pointer = await createNutPointer({ platform: 'darwin', native, now: time.now })
    await pointer.click('left')
    time.advance(DOUBLE_CLICK_MS - 100)
    await pointer.click('left')
    time.advance(DOUBLE_CLICK_MS + 1)
    await pointer.click('left')
    time.advance(100)
    await pointer.click('right') // another button starts its own count
    await pointer.move(20, 0)
    time.advance(100)
    await pointer.click('right') // moved away: a new click
    expect(native.events.filter((e) => e.type.endsWith('Down')).map((e) => [e.type, e.clickState])).toEqual([
      ['LeftMouseDown', 1],
      ['LeftMouseDown', 2],
      ['LeftMouseDown', 1],
      ['RightMouseDown', 1],
      ['RightMouseDown', 1],
    ])
  })

  it('scrolls in pixels with libnut axes turned to ours (positive dy shows what is below)', async () => {
    const native = createLibnutDarwinMouse()
    const pointer = await createNutPointer({ platform: 'darwin', native })
    await pointer.scroll(0, 30)
    await pointer.scroll(-12, 0)
    expect(native.events.map((e) => e.wheel)).toEqual([
      { y: -30, x: 0 },
      { y: 0, x: 12 },
    ])
  })
})

describe('nut pointer on Linux', () => {
  const recordingNative = () => {
    const calls: unknown[][] = []
    const native: NativeMouse = {
      setMouseDelay: (...a) => void calls.push(['setMouseDelay', ...a]),
      getMousePos: () => ({ x: 10, y: 10 }),
      moveMouse: (...a) => void calls.push(['moveMouse', ...a]),
      dragMouse: (...a) => void calls.push(['dragMouse', ...a]),
      mouseToggle: (...a) => void calls.push(['mouseToggle', ...a]),
      mouseClick: (...a) => void calls.push(['mouseClick', ...a]),
      scrollMouse: (...a) => void calls.push(['scrollMouse', ...a]),
    }
    return { calls, native }
  }

  it('scrolls whole notches and carries the rest to the next scroll', async () => {
    const { calls, native } = recordingNative()
    const pointer = await createNutPointer({ platform: 'linux', native })
    await pointer.scroll(0, PIXELS_PER_NOTCH * 0.6)
    await pointer.scroll(0, PIXELS_PER_NOTCH * 0.6)
    await pointer.scroll(PIXELS_PER_NOTCH * 2, -PIXELS_PER_NOTCH * 3)
    expect(calls.filter((c) => c[0] === 'scrollMouse')).toEqual([
      ['scrollMouse', 0, -1],
      ['scrollMouse', -2, 2],
    ])
  })

  it('leaves click counting and drags to the X server: single clicks, plain moves', async () => {
    const { calls, native } = recordingNative()
    const pointer = await createNutPointer({ platform: 'linux', native, now: () => 0 })
    await pointer.click('left')
    await pointer.click('left')
    await pointer.press('left')
    await pointer.move(5, 5)
    expect(calls.slice(1)).toEqual([
      ['mouseClick', 'left'],
      ['mouseClick', 'left'],
      ['mouseToggle', 'down', 'left'],
      ['moveMouse', 15, 15],
    ])
  })

  it('turns a libnut exception into an inject error', async () => {
    const { native } = recordingNative()
    native.mouseToggle = () => {
      throw new Error('Invalid mouse button specified.')
    }
    const pointer = await createNutPointer({ platform: 'linux', native })
    await expect(pointer.press('left')).rejects.toMatchObject({ name: 'InjectError', code: 'inject-failed' })
  })
})
