import { describe, expect, it } from 'vitest'
import { readDescriptor } from '../test/hid-descriptor-parser.js'
import {
  CONSUMER_REPORT_DESCRIPTOR,
  KEYBOARD_REPORT_DESCRIPTOR,
  MOUSE_REPORT_DESCRIPTOR,
} from './hid-descriptors.js'
import { CONSUMER_REPORT_LENGTH, KEYBOARD_REPORT_LENGTH, MOUSE_REPORT_LENGTH } from './hid-reports.js'

// The boot keyboard descriptor as printed in HID 1.11 appendix E.6, copied from the spec.
const SPEC_BOOT_KEYBOARD = [
  0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
  0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01,
  0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65,
  0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
]

describe('report descriptors', () => {
  it('the keyboard is the spec boot keyboard with the key range raised from 0x65 to F24 (0x73)', () => {
    const expected = [...SPEC_BOOT_KEYBOARD]
    // Logical Maximum (25 xx) and Usage Maximum (29 xx) of the key array: the only two bytes we change.
    expected[53] = 0x73
    expected[59] = 0x73
    expect([...KEYBOARD_REPORT_DESCRIPTOR]).toEqual(expected)
  })

  it('each descriptor declares exactly the report length the gadget is told and the encoder writes', () => {
    const keyboard = readDescriptor(KEYBOARD_REPORT_DESCRIPTOR)
    expect(keyboard.inputBits).toBe(8 * 8)
    expect(keyboard.inputBits / 8).toBe(KEYBOARD_REPORT_LENGTH)
    expect(keyboard.outputBits).toBe(8) // the LED byte
    const mouse = readDescriptor(MOUSE_REPORT_DESCRIPTOR)
    expect(mouse.inputBits).toBe(5 * 8)
    expect(mouse.inputBits / 8).toBe(MOUSE_REPORT_LENGTH)
    const consumer = readDescriptor(CONSUMER_REPORT_DESCRIPTOR)
    expect(consumer.inputBits).toBe(16)
    expect(consumer.inputBits / 8).toBe(CONSUMER_REPORT_LENGTH)
    for (const d of [keyboard, mouse, consumer]) expect(d.collectionsOpen).toBe(0)
  })

  it('the mouse axes are relative, signed 8-bit (−127…127), on Generic Desktop and Consumer (AC Pan)', () => {
    const axes = readDescriptor(MOUSE_REPORT_DESCRIPTOR).inputs.filter((item) => item.flags === 0x06)
    expect(axes).toEqual([
      { flags: 0x06, size: 8, count: 3, page: 0x01, min: -127, max: 127 },
      { flags: 0x06, size: 8, count: 1, page: 0x0c, min: -127, max: 127 },
    ])
  })

  it('the consumer report is one 16-bit array slot on page 0x0C', () => {
    expect(readDescriptor(CONSUMER_REPORT_DESCRIPTOR).inputs).toEqual([
      { flags: 0x00, size: 16, count: 1, page: 0x0c, min: 0, max: 0x3ff },
    ])
  })
})
