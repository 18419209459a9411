import { describe, expect, it } from 'vitest'
import { createLibnutMac, MAC_FLAGS } from './libnut-mac.js'

// Pins the double to what libnut-core's macOS keypress.c does, including the behaviour the receiver must avoid.
describe('libnut macOS double', () => {
  it('a key pressed while Shift is down carries the Shift flag; after Shift is up it does not', async () => {
    const mac = createLibnutMac()
    await mac.pressKey('LeftShift')
    await mac.pressKey('A')
    await mac.releaseKey('A')
    await mac.releaseKey('LeftShift')
    await mac.pressKey('B')
    expect(mac.events.map((e) => (e.kind === 'key' ? [e.key, e.down, e.flags] : e))).toEqual([
      ['LeftShift', true, MAC_FLAGS.shift],
      ['A', true, MAC_FLAGS.shift],
      ['A', false, MAC_FLAGS.shift],
      ['LeftShift', false, 0],
      ['B', true, 0],
    ])
    expect(mac.flagBuffer()).toBe(0)
  })

  it('releasing a modifier that is not down turns its flag on for everything after (flagBuffer ^= flags)', async () => {
    const mac = createLibnutMac()
    await mac.releaseKey('LeftCmd')
    await mac.pressKey('Q')
    expect(mac.events.at(-1)).toMatchObject({ key: 'Q', flags: MAC_FLAGS.command })
    expect(mac.flagBuffer()).toBe(MAC_FLAGS.command)
  })

  it('left and right Shift share one bit: releasing one clears it, releasing the other sets it again', async () => {
    const mac = createLibnutMac()
    await mac.pressKey('LeftShift')
    await mac.pressKey('RightShift')
    await mac.releaseKey('LeftShift')
    expect(mac.flagBuffer()).toBe(0)
    await mac.releaseKey('RightShift')
    expect(mac.flagBuffer()).toBe(MAC_FLAGS.shift)
  })

  it('keys libnut has no macOS code for throw; Pause does nothing; text carries no flags', async () => {
    const mac = createLibnutMac()
    await expect(mac.pressKey('Insert')).rejects.toThrow('Invalid key code specified.')
    await mac.pressKey('Pause')
    await mac.type('é😀')
    expect(mac.events).toEqual([
      { kind: 'unicode', text: 'é', down: true, autorepeat: false },
      { kind: 'unicode', text: 'é', down: false, autorepeat: false },
      { kind: 'unicode', text: '😀', down: true, autorepeat: false },
      { kind: 'unicode', text: '😀', down: false, autorepeat: false },
    ])
  })
})
