import { RelayEvent } from '@keyroom/key-events'
import { startRedis } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { call, client, expectOk, listen, member, relay } from './helpers.js'

describe('issue 11.11: application rooms never collide with connection ids, across relays sharing Redis', () => {
  it('a room named after a socket on another relay is a room of its own; shared rooms still reach both', async () => {
    const redis = await startRedis()
    const a = await relay({ redisUrl: redis.url })
    const b = await relay({ redisUrl: redis.url })
    const victim = await client(b.url)
    const victimHeard = listen(victim)
    const victimId = victim.id ?? ''
    const attacker = await member(a.url, victimId)
    expectOk(
      await call(attacker.socket, RelayEvent.broadcast, {
        roomName: victimId,
        eventName: 'msg',
        payload: 'x',
      }),
    )
    // The same relays carry a shared room across: what the victim misses, it misses because it is not a member.
    const here = await member(a.url, 'shared')
    const there = await member(b.url, 'shared')
    await vi.waitFor(async () => {
      expectOk(
        await call(here.socket, RelayEvent.broadcast, { roomName: 'shared', eventName: 'msg', payload: 'y' }),
      )
      expect(there.received).toContain('y')
    })
    // A member of the look-alike room on relay B hears the attacker; the victim's own channel does not.
    const lookAlike = await member(b.url, victimId)
    await vi.waitFor(async () => {
      expectOk(
        await call(attacker.socket, RelayEvent.broadcast, {
          roomName: victimId,
          eventName: 'msg',
          payload: 'z',
        }),
      )
      expect(lookAlike.received).toContain('z')
    })
    expect(victimHeard.received).toEqual([])
    expect(victimHeard.roomInfo).toEqual([])
  }, 30_000)
})
