import { describe, expect, it } from 'vitest'
import { createHidKeyboard } from './hid-keyboard.js'

// Expected reports are written from the HID spec: byte 0 modifiers (bit 0 LCtrl, 1 LShift, 2 LAlt, 3 LGUI, 4 RCtrl,
// 5 RShift, 6 RAlt, 7 RGUI), byte 1 reserved, bytes 2–7 key usages (a = 04, b = 05 … Digit1 = 1E); consumer reports
// are the 16-bit usage, little-endian (Volume Increment = 00E9).
const hex = (text: string) => text.replaceAll(' ', '')

function record() {
  const reports: string[] = []
  const keyboard = createHidKeyboard((target, report) =>
    reports.push(`${target[0]}:${report.toString('hex')}`),
  )
  return { keyboard, reports }
}

describe('HID keyboard state → reports', () => {
  it('a tap is one report with the key and one with nothing', () => {
    const { keyboard, reports } = record()
    keyboard.hold(['KeyA'])
    keyboard.hold([])
    expect(reports).toEqual([`k:${hex('00 00 04 00 00 00 00 00')}`, `k:${hex('00 00 00 00 00 00 00 00')}`])
  })

  it('holding the same keys again sends nothing new', () => {
    const { keyboard, reports } = record()
    keyboard.hold(['ShiftLeft', 'KeyB'])
    keyboard.hold(['ShiftLeft', 'KeyB'])
    expect(reports).toEqual([`k:${hex('02 00 05 00 00 00 00 00')}`])
  })

  it('a chord presses modifiers in order and releases them in reverse', () => {
    const { keyboard, reports } = record()
    keyboard.chord(['ControlLeft', 'AltLeft'], 'Delete')
    expect(reports).toEqual([
      `k:${hex('01 00 00 00 00 00 00 00')}`,
      `k:${hex('05 00 00 00 00 00 00 00')}`,
      `k:${hex('05 00 4c 00 00 00 00 00')}`,
      `k:${hex('05 00 00 00 00 00 00 00')}`,
      `k:${hex('01 00 00 00 00 00 00 00')}`,
      `k:${hex('00 00 00 00 00 00 00 00')}`,
    ])
  })

  it('keys keep their slot in press order; a released key frees its slot', () => {
    const { keyboard, reports } = record()
    keyboard.hold(['KeyA'])
    keyboard.hold(['KeyA', 'KeyB'])
    keyboard.hold(['KeyB'])
    keyboard.hold(['KeyB', 'KeyC'])
    expect(reports).toEqual([
      `k:${hex('00 00 04 00 00 00 00 00')}`,
      `k:${hex('00 00 04 05 00 00 00 00')}`,
      `k:${hex('00 00 05 00 00 00 00 00')}`,
      `k:${hex('00 00 05 06 00 00 00 00')}`,
    ])
  })

  it('six keys fill the six slots; the seventh is the phantom state (ErrorRollOver 01 in every slot, modifiers kept)', () => {
    const { keyboard, reports } = record()
    const six = ['KeyA', 'KeyB', 'KeyC', 'KeyD', 'KeyE', 'KeyF'] as const
    keyboard.hold(['ShiftLeft', ...six])
    expect(keyboard.rolledOver()).toBe(false)
    keyboard.hold(['ShiftLeft', ...six, 'KeyG'])
    expect(keyboard.rolledOver()).toBe(true)
    // Back to six: the host sees the real keys again, G in the slot A left.
    keyboard.hold(['ShiftLeft', ...six.slice(1), 'KeyG'])
    expect(reports).toEqual([
      `k:${hex('02 00 04 05 06 07 08 09')}`,
      `k:${hex('02 00 01 01 01 01 01 01')}`,
      `k:${hex('02 00 05 06 07 08 09 0a')}`,
    ])
  })

  it('a media key goes to the consumer function as its 16-bit usage', () => {
    const { keyboard, reports } = record()
    keyboard.hold(['AudioVolumeUp'])
    keyboard.hold([])
    keyboard.hold(['MediaPlayPause'])
    keyboard.hold(['MediaPlayPause', 'AudioVolumeMute'])
    keyboard.hold(['MediaPlayPause'])
    expect(reports).toEqual([
      `c:${hex('e9 00')}`,
      `c:${hex('00 00')}`,
      `c:${hex('cd 00')}`,
      `c:${hex('e2 00')}`, // one slot: the newest held media key
      `c:${hex('cd 00')}`,
    ])
  })

  it('a typed character is its key with its modifiers, then what is held again', () => {
    const { keyboard, reports } = record()
    keyboard.hold(['ControlRight'])
    keyboard.stroke({ code: 'Digit1', modifiers: ['ShiftLeft'] })
    expect(reports).toEqual([
      `k:${hex('10 00 00 00 00 00 00 00')}`,
      `k:${hex('12 00 1e 00 00 00 00 00')}`,
      `k:${hex('10 00 00 00 00 00 00 00')}`,
    ])
  })

  it('release-all sends zero reports to both functions even when nothing seemed held', () => {
    const { keyboard, reports } = record()
    keyboard.releaseAll()
    expect(reports).toEqual([`k:${hex('00 00 00 00 00 00 00 00')}`, `c:${hex('00 00')}`])
  })
})
