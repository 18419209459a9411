import { describe, expect, it } from 'vitest'
import { deviceKinds, nobodyThere, parseTarget, targetMatches } from './targets.js'

const mac = { role: 'mac-receiver', caps: {}, fingerprint: 'AAAA-BBBB-CCCC-DDDD' } as const
const pins = { role: 'pi-agent', caps: {}, fingerprint: 'EEEE-FFFF-GGGG-HHHH' } as const
const gadget = {
  role: 'pi-agent',
  caps: { hid: { layout: 'us' } },
  fingerprint: 'JJJJ-KKKK-MMMM-NNNN',
} as const
const keypad = { role: 'keypad', caps: {}, fingerprint: 'PPPP-QQQQ-RRRR-SSSS' } as const

describe('targets', () => {
  it('each receiver is of the kinds it says it is; a Pi with a USB gadget is both', () => {
    expect(deviceKinds(mac)).toEqual(['computer'])
    expect(deviceKinds(pins)).toEqual(['pins'])
    expect(deviceKinds(gadget)).toEqual(['pins', 'usb-keyboard'])
    expect(deviceKinds(keypad)).toEqual([])
  })

  it('a target matches all, its kind, or the one fingerprint', () => {
    const matching = (target: Parameters<typeof targetMatches>[0]) =>
      [mac, pins, gadget].filter((p) => targetMatches(target, p)).map((p) => p.fingerprint)
    expect(matching('all')).toHaveLength(3)
    expect(matching('kind:computer')).toEqual([mac.fingerprint])
    expect(matching('kind:pins')).toEqual([pins.fingerprint, gadget.fingerprint])
    expect(matching('kind:usb-keyboard')).toEqual([gadget.fingerprint])
    expect(matching(`device:${pins.fingerprint}`)).toEqual([pins.fingerprint])
  })

  it('parses what storage or argv hold, normalising fingerprints, and refuses anything else', () => {
    expect(parseTarget('all')).toBe('all')
    expect(parseTarget('kind:pins')).toBe('kind:pins')
    expect(parseTarget('device:7xq4m2kd9fhr0wce')).toBe('device:7XQ4-M2KD-9FHR-0WCE')
    for (const bad of [
      '',
      'ALL',
      'kind:printer',
      'device:',
      'device:not-a-fingerprint',
      42,
      null,
      {},
      ['all'],
    ])
      expect(parseTarget(bad)).toBeUndefined()
  })

  it('says in words what a send found nobody for', () => {
    expect(nobodyThere('all', false)).toBe('no receiver of this device is in the room (yet)')
    expect(nobodyThere('all', true)).toBe(
      'no receiver of this device that drives a pointer is in the room (yet)',
    )
    expect(nobodyThere('kind:pins', false)).toBe('no Pi pins receiver of this device is in the room (yet)')
  })
})
