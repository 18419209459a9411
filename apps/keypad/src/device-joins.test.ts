import type { DevicePeer as Peer } from '@keyroom/room-client'
import { describe, expect, it } from 'vitest'
import { followDeviceJoins } from './device-joins.js'

const peer = (id: string, role: Peer['role'], name = id): Peer => ({
  id,
  role,
  name,
  caps: { inject: role !== 'keypad' },
  lastSeen: 0,
  key: 'k',
  fingerprint: 'F',
  trusted: role !== 'keypad',
  code: '123456',
})

function fakeSession(initial: Peer[]) {
  let peers = initial
  const listeners = new Set<() => void>()
  return {
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => ({ peers }),
    set(next: Peer[]) {
      peers = next
      for (const listener of listeners) listener()
    },
  }
}

describe('device joins', () => {
  it('reports a new device and one back under a new id (restarted), not keypads or devices already there', () => {
    const session = fakeSession([peer('mac-1', 'mac-receiver', 'studio')])
    const joined: string[] = []
    const stop = followDeviceJoins(session, (p) => joined.push(`${p.name} (${p.id})`))
    session.set([peer('mac-1', 'mac-receiver', 'studio'), peer('phone-2', 'keypad')])
    expect(joined).toEqual([])
    // SIGKILLed and restarted: the old id leaves, a new one comes with the same name.
    session.set([peer('phone-2', 'keypad')])
    session.set([
      peer('phone-2', 'keypad'),
      peer('mac-9', 'mac-receiver', 'studio'),
      peer('pi-1', 'pi-agent', 'door'),
    ])
    expect(joined).toEqual(['studio (mac-9)', 'door (pi-1)'])
    stop()
    session.set([peer('mac-10', 'mac-receiver')])
    expect(joined).toHaveLength(2)
  })
})
