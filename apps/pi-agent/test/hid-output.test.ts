import { captureLogger, tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { createHidOutput } from '../src/hid-output.js'
import { US_LAYOUT } from '../src/keyboard-layout.js'
import { fakeHidDevice } from './hid-fakes.js'

// Expected bytes from the HID spec: mouse report = buttons (bit 0 left, 1 right, 2 middle), X, Y, Wheel, AC Pan as
// signed bytes; keyboard report = modifiers, 0, six usages (Usage Tables ch. 10: h = 0B, i = 0C, ! = Shift + 1E).
function gadget() {
  const dir = tempDir('keyroom-hid-')
  const keyboard = fakeHidDevice(dir, 'hidg0', 8)
  const mouse = fakeHidDevice(dir, 'hidg1', 5)
  const consumer = fakeHidDevice(dir, 'hidg2', 2)
  const { logger } = captureLogger()
  const hid = createHidOutput({
    devices: { keyboard: keyboard.path, mouse: mouse.path, consumer: consumer.path },
    layout: US_LAYOUT,
    logger,
  })
  return { hid, keyboard, mouse, consumer }
}

describe('HID output on FIFOs standing in for /dev/hidg0-2', () => {
  it('a pointer move, a click and a held button are mouse reports', async () => {
    const { hid, mouse } = gadget()
    hid.move(10, -5)
    hid.click('left')
    hid.holdButtons(['right'])
    hid.move(-1, 1)
    hid.holdButtons([])
    hid.click('middle')
    expect(mouse.take()).toEqual([
      '000afb0000', // X +10, Y −5
      '0100000000', // left down
      '0000000000', // left up
      '0200000000', // right held
      '02ff010000', // moved with right held: a drag
      '0000000000',
      '0400000000', // middle click
      '0000000000',
    ])
    await hid.close()
  })

  it('a move beyond ±127 is several reports adding up to it', async () => {
    const { hid, mouse } = gadget()
    hid.move(-254, 0)
    expect(mouse.take()).toEqual(['0081000000', '0081000000'])
    await hid.close()
  })

  it('scrolling turns content pixels into wheel detents, keeping the remainder', async () => {
    const { hid, mouse } = gadget()
    hid.scroll(0, 30) // less than a detent: nothing yet
    hid.scroll(0, 30) // 60 px: one detent towards the user = Wheel −1
    hid.scroll(100, -90) // two detents right (Pan +2); 10 − 90 = −80 px is one detent away from the user: Wheel +1
    expect(mouse.take()).toEqual(['000000ff00', '0000000102'])
    await hid.close()
  })

  it('text is typed as key reports on the target layout; a character it lacks refuses the whole text', async () => {
    const { hid, keyboard } = gadget()
    expect(hid.type('hi!')).toEqual({ ok: true, value: 3 })
    expect(keyboard.take()).toEqual([
      '00000b0000000000',
      '0000000000000000',
      '00000c0000000000',
      '0000000000000000',
      '02001e0000000000',
      '0000000000000000',
    ])
    expect(hid.type('café')).toEqual({ ok: false, error: { chars: ['é'] } })
    expect(keyboard.take()).toEqual([])
    await hid.close()
  })

  it('releaseAll() sends all-zero reports on every function, and close() lets them out first', async () => {
    const { hid, keyboard, mouse, consumer } = gadget()
    hid.holdKeys(['ShiftLeft', 'KeyA', 'AudioVolumeUp'])
    hid.holdButtons(['left'])
    hid.releaseAll()
    await hid.close()
    expect(keyboard.take()).toEqual(['0200040000000000', '0000000000000000'])
    expect(consumer.take()).toEqual(['e900', '0000'])
    expect(mouse.take()).toEqual(['0100000000', '0000000000'])
  })
})
