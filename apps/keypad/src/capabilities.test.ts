import type { DevicePeer as Peer } from '@keyroom/room-client'
import { describe, expect, it } from 'vitest'
import { unavailableKeys } from './capabilities.js'

const peer = (name: string, caps: Peer['caps'], role: Peer['role'] = 'mac-receiver'): Peer => ({
  id: `id-${name}-000`,
  role,
  name,
  caps,
  lastSeen: 0,
  key: 'k',
  fingerprint: 'F',
  trusted: role !== 'keypad',
  code: '123456',
})

describe('unavailable keys', () => {
  it('greys out a key no receiver can press and names who cannot', () => {
    const keys = unavailableKeys([
      peer('studio', { inject: true, platform: 'linux', cannot: ['Pause', 'F13'] }),
    ])
    expect(keys.get('Pause')).toEqual({ none: true, text: 'Pause: studio (linux) cannot press this key' })
    expect(keys.has('KeyA')).toBe(false)
  })

  it('a key another receiver can press is explained, not greyed out', () => {
    const keys = unavailableKeys([
      peer('studio', { inject: true, platform: 'linux', cannot: ['F13'] }),
      peer('laptop', { inject: true, platform: 'darwin', cannot: ['Insert'] }),
    ])
    expect(keys.get('F13')).toEqual({ none: false, text: 'F13: studio (linux) cannot press this key' })
    expect(keys.get('Insert')?.none).toBe(false)
  })

  it('ignores keypads and devices that cannot inject, and repeated codes', () => {
    const keys = unavailableKeys([
      peer('other phone', { inject: false, cannot: ['KeyA'] }, 'keypad'),
      peer('blocked mac', { inject: false, cannot: ['KeyB'] }),
      peer('studio', { inject: true, cannot: ['Pause', 'Pause'] }),
    ])
    expect([...keys.keys()]).toEqual(['Pause'])
    expect(keys.get('Pause')).toEqual({ none: true, text: 'Pause: studio cannot press this key' })
  })

  it('counts only the receivers the keys go to: a key the chosen one cannot press is greyed out', () => {
    const peers = [
      {
        ...peer('studio', { inject: true, platform: 'linux', cannot: ['Pause'] }),
        fingerprint: 'AAAA-BBBB-CCCC-DDDD',
      },
      { ...peer('door', { inject: true }, 'pi-agent'), fingerprint: 'EEEE-FFFF-GGGG-HHHH' },
    ]
    expect(unavailableKeys(peers).get('Pause')?.none).toBe(false)
    expect(unavailableKeys(peers, 'kind:computer').get('Pause')?.none).toBe(true)
    expect(unavailableKeys(peers, 'device:EEEE-FFFF-GGGG-HHHH').has('Pause')).toBe(false)
  })
})
