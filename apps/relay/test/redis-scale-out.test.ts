import { RelayEvent } from '@keyroom/key-events'
import { describe, expect, it, vi } from 'vitest'
import { call, expectOk, member } from './helpers.js'
import { freePort, startRedis, startRelayProcess } from './processes.js'

const health = async (url: string) =>
  (await fetch(`${url}/healthz`)).json() as Promise<{ status: string; redis: string }>

describe('two relay processes sharing rooms through a real redis-server', () => {
  it('delivers every event once across relays, keeps local rooms up while Redis is down, and recovers', async () => {
    const redis = await startRedis()
    const [a, b] = await Promise.all([
      startRelayProcess({ REDIS_URL: redis.url }),
      startRelayProcess({ REDIS_URL: redis.url }),
    ])
    expect(await health(a.url)).toMatchObject({ status: 'ok', redis: 'up' })

    const room = 'shared'
    const sender = await member(a.url, room)
    const onA = await member(a.url, room)
    const onB = await member(b.url, room)
    // Presence counts the members on both relays.
    await vi.waitFor(() => expect(sender.roomInfo.at(-1)).toMatchObject({ count: 3, joined: onB.socket.id }))
    expect(onB.roomInfo.at(-1)).toMatchObject({ count: 3 })

    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        expectOk(
          await call(sender.socket, RelayEvent.broadcast, { roomName: room, eventName: 'msg', payload: i }),
        )
      }
    }
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

    await send(0, 50)
    await vi.waitFor(() => {
      expect(onA.received).toEqual(range(0, 50))
      expect(onB.received).toEqual(range(0, 50))
    })
    expect(sender.received).toEqual([])

    // Redis goes away: the room on relay A keeps working, and A says it is degraded.
    await redis.kill()
    await vi.waitFor(async () =>
      expect(await health(a.url)).toMatchObject({ status: 'degraded', redis: 'down' }),
    )
    await send(50, 60)
    await vi.waitFor(() => expect(onA.received).toEqual(range(0, 60)))
    expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('keyroom_relay_redis_up 0\n')
    expect(a.output()).toContain('redis unavailable, serving local rooms only')

    // Rooms made during the outage are shared too once Redis is back.
    const lateA = await member(a.url, 'made-during-outage')
    const lateB = await member(b.url, 'made-during-outage')

    // Redis returns: cross-relay delivery resumes, still exactly once.
    await redis.restart()
    await vi.waitFor(async () => expect(await health(a.url)).toMatchObject({ status: 'ok', redis: 'up' }), {
      timeout: 15_000,
    })
    await vi.waitFor(async () => expect(await health(b.url)).toMatchObject({ status: 'ok', redis: 'up' }), {
      timeout: 15_000,
    })
    let probe = 1000 // a fresh number per try, so a late probe is not mistaken for a duplicate
    await vi.waitFor(
      async () => {
        await send(probe, probe + 1)
        probe++
        expect(onB.received.some((n) => (n as number) >= 1000)).toBe(true)
      },
      { timeout: 15_000, interval: 500 },
    )
    await send(2000, 2050)
    await vi.waitFor(() =>
      expect(onB.received.filter((n) => (n as number) >= 2000)).toEqual(range(2000, 2050)),
    )
    await vi.waitFor(
      async () => {
        expectOk(
          await call(lateA.socket, RelayEvent.broadcast, {
            roomName: 'made-during-outage',
            eventName: 'msg',
            payload: 'late',
          }),
        )
        expect(lateB.received).toContain('late')
      },
      { timeout: 10_000, interval: 500 },
    )
    for (const heard of [onA.received, onB.received]) expect(new Set(heard).size).toBe(heard.length) // never twice
    expect(a.output()).toContain('redis is back')
  }, 60_000)

  it('refuses to start with a clear error when Redis cannot be reached', async () => {
    const nobody = await freePort()
    await expect(startRelayProcess({ REDIS_URL: `redis://127.0.0.1:${nobody}` })).rejects.toThrow(
      new RegExp(
        `relay exited with code 1:[\\s\\S]*keyroom-relay: cannot start: cannot reach Redis at redis://127.0.0.1:${nobody}`,
      ),
    )
  }, 30_000)
})
