import type { DevicePeer as Peer } from '@keyroom/room-client'
import { describe, expect, it } from 'vitest'
import { describeConnection, describeRoom, describeVerdict, whyKeysIdle } from './connection-words.js'

const link = { relay: 'http://relay.lan:7300', room: 'r' }
const peer = (name: string, role: Peer['role'] = 'mac-receiver'): Peer => ({
  id: `id-${name}-${Math.random()}`,
  role,
  name,
  caps: { inject: true },
  lastSeen: 0,
  key: 'k',
  fingerprint: 'F',
  trusted: role !== 'keypad',
  code: '123456',
})

describe('describeConnection', () => {
  const at = (state: 'connecting' | 'connected' | 'offline', stalled = false) => ({ state, link, stalled })
  it('names the relay in every failure, and keeps internal words out', () => {
    expect(
      describeConnection({ state: 'unpaired', link: undefined, stalled: false }, { online: true }).text,
    ).toBe('Not paired')
    expect(describeConnection(at('connected'), { online: true })).toEqual({ tone: 'ok', text: 'Connected' })
    expect(describeConnection(at('connecting'), { online: true }).text).toBe('Connecting to relay.lan:7300…')
    expect(describeConnection(at('offline'), { online: true, diagnosis: { kind: 'unreachable' } }).text).toBe(
      'Cannot reach the relay at relay.lan:7300',
    )
    expect(
      describeConnection(at('connecting'), {
        online: true,
        diagnosis: { kind: 'refused', reason: "Origin 'http://x' is not allowed" },
      }).text,
    ).toBe("The relay at relay.lan:7300 refused this keypad: Origin 'http://x' is not allowed")
    expect(describeConnection(at('offline'), { online: true, diagnosis: { kind: 'reachable' } }).text).toBe(
      'Offline: lost the relay at relay.lan:7300, reconnecting',
    )
    expect(describeConnection(at('connected', true), { online: true }).text).toMatch(
      /^Link stalled: the relay at relay.lan:7300 stopped answering/,
    )
  })

  it('says the phone is offline before anything about the relay', () => {
    for (const state of ['connecting', 'connected', 'offline'] as const)
      expect(describeConnection(at(state), { online: false, diagnosis: { kind: 'unreachable' } })).toEqual({
        tone: 'bad',
        text: 'Offline: this phone has no network',
      })
  })
})

describe('describeRoom', () => {
  const connected = (members: number, peers: Peer[]) => ({ state: 'connected' as const, members, peers })
  it('tells an empty room from devices that never answered, only once that has settled', () => {
    expect(describeRoom(connected(1, []), false)).toBe('No other device in this room yet')
    expect(describeRoom(connected(3, []), false)).toBeUndefined()
    expect(describeRoom(connected(3, []), true)).toBe(
      '2 other devices are in this room but none answered: the link may be stale or wrong',
    )
    expect(describeRoom(connected(2, []), true)).toBe(
      '1 other device is in this room but none answered: the link may be stale or wrong',
    )
    expect(describeRoom(connected(2, [peer('Mac')]), true)).toBeUndefined()
    expect(describeRoom({ state: 'offline', members: 3, peers: [] }, true)).toBeUndefined()
  })

  it('says when two receivers share a name (keypads do not count)', () => {
    expect(describeRoom(connected(4, [peer('Mac'), peer('Mac'), peer('Pi', 'pi-agent')]), true)).toBe(
      '2 devices in this room are called "Mac": keys go to all of them. Rename one on its machine to tell them apart.',
    )
    expect(
      describeRoom(connected(3, [peer('Phone', 'keypad'), peer('Phone', 'keypad')]), true),
    ).toBeUndefined()
  })
})

describe('describeVerdict and whyKeysIdle', () => {
  const receiver = (status: Peer['status'], role: Peer['role'] = 'mac-receiver'): Peer => ({
    ...peer('studio', role),
    ...(status ? { status } : {}),
  })
  it('says per receiver whether it approved this phone, and what to type there while pending', () => {
    expect(describeVerdict(receiver({ type: 'status', state: 'approved' })).text).toBe('approved')
    expect(describeVerdict(receiver({ type: 'status', state: 'approved', admin: true })).text).toBe(
      'approved (admin)',
    )
    expect(describeVerdict(receiver({ type: 'status', state: 'pending', code: '042917' })).text).toBe(
      'pending: on it, run "keyroom-receiver devices approve 042917"',
    )
    expect(
      describeVerdict(receiver({ type: 'status', state: 'pending', code: '042917' }, 'pi-agent')).text,
    ).toBe('pending: on it, run "keyroom-pi devices approve 042917"')
    expect(describeVerdict(receiver({ type: 'status', state: 'revoked' })).text).toMatch(/^revoked/)
    expect(describeVerdict(receiver(undefined)).text).toBe('waiting for its answer')
  })

  it('says why the keys do nothing: no trusted receiver here, none approved yet, all revoked', () => {
    const at = (peers: Peer[]) => ({ state: 'connected' as const, peers })
    expect(whyKeysIdle({ state: 'connecting', peers: [] })).toBeUndefined()
    expect(whyKeysIdle(at([]))).toMatch(/none of this room's receivers is here/)
    expect(whyKeysIdle(at([peer('phone-2', 'keypad')]))).toMatch(/none of this room's receivers is here/)
    expect(whyKeysIdle(at([receiver({ type: 'status', state: 'pending', code: '111111' })]))).toMatch(
      /no receiver has approved this phone/,
    )
    expect(whyKeysIdle(at([receiver({ type: 'status', state: 'revoked' })]))).toMatch(/revoked this phone/)
    expect(
      whyKeysIdle(
        at([receiver({ type: 'status', state: 'revoked' }), receiver({ type: 'status', state: 'approved' })]),
      ),
    ).toBeUndefined()
  })
})
