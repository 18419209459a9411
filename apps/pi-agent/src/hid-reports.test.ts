import { describe, expect, it } from 'vitest'
import { consumerReport, keyboardReport, mouseReports } from './hid-reports.js'

const hex = (b: Buffer) => b.toString('hex')

describe('HID reports', () => {
  it('keyboard: modifiers, reserved zero, then key slots', () => {
    expect(hex(keyboardReport(0x22, [0x04, 0x05]))).toBe('2200040500000000')
    expect(hex(keyboardReport(0, []))).toBe('0000000000000000')
  })

  it('consumer: a little-endian 16-bit usage', () => {
    expect(hex(consumerReport(0x0ea))).toBe('ea00')
  })

  it('mouse: buttons, then signed X, Y, wheel and pan (two’s complement)', () => {
    expect(mouseReports(0x01, { dx: 5, dy: -3, wheel: 1, pan: -1 }).map(hex)).toEqual(['0105fd01ff'])
  })

  it('mouse: a move beyond ±127 is split evenly into reports no axis of which leaves −127…127', () => {
    const reports = mouseReports(0, { dx: 300, dy: -100, wheel: 0, pan: 0 })
    // ceil(300 / 127) = 3 reports: 100, 100, 100 across and −33, −34, −33 up.
    expect(reports.map(hex)).toEqual(['0064df0000', '0064de0000', '0064df0000'])
    const sum = (axis: number) => reports.reduce((n, r) => n + r.readInt8(axis), 0)
    expect([sum(1), sum(2)]).toEqual([300, -100])
  })
})
