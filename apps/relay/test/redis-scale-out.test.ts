import { setTimeout as pace } from 'node:timers/promises'
import { RelayEvent } from '@keyroom/key-events'
import { freePort, startRedis, startRelayProcess } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { call, client, expectOk, member } from './helpers.js'

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

  it('a stalled Redis (SIGSTOP, 4 s) freezes no local room, shows on /healthz, and cross-relay rooms recover once (issue 18)', async () => {
    const redis = await startRedis()
    const [a, b] = await Promise.all([
      startRelayProcess({ REDIS_URL: redis.url }),
      startRelayProcess({ REDIS_URL: redis.url }),
    ])
    // A room whose members are both on relay A, and one shared with relay B.
    const timed = async (url: string, room: string) => {
      const socket = await client(url)
      const heard: { n: number; late: number }[] = []
      socket.on('msg', (payload) => {
        const { n, at } = payload as { n: number; at: number }
        heard.push({ n, late: Date.now() - at })
      })
      expectOk(await call(socket, RelayEvent.joinRoom, room))
      return { socket, heard }
    }
    const localSender = await timed(a.url, 'local')
    const localReceiver = await timed(a.url, 'local')
    const sharedSender = await timed(a.url, 'shared')
    const sharedOnB = await timed(b.url, 'shared')
    const send = async (from: { socket: typeof localSender.socket }, roomName: string, n: number) =>
      expectOk(
        await call(from.socket, RelayEvent.broadcast, {
          roomName,
          eventName: 'msg',
          payload: { n, at: Date.now() },
        }),
      )
    let warmUp = -1 // a fresh number per try, so a late one is not mistaken for a duplicate
    await vi.waitFor(
      async () => {
        await send(sharedSender, 'shared', warmUp--)
        expect(sharedOnB.heard.length).toBeGreaterThan(0)
      },
      { timeout: 10_000, interval: 200 },
    )

    redis.stop()
    const stoppedAt = Date.now()
    let stalledAfterMs: number | undefined
    let seen: { status: string; redis: string } | undefined
    const sent = 40
    for (let n = 0; n < sent; n++) {
      await Promise.all([send(localSender, 'local', n), send(sharedSender, 'shared', n)])
      if (stalledAfterMs === undefined) {
        seen = await health(a.url)
        if (seen.status !== 'ok') stalledAfterMs = Date.now() - stoppedAt
      }
      await pace(100) // one message per 100 ms for 4 s: pacing the sender, not waiting for an outcome
    }
    await vi.waitFor(() => expect(localReceiver.heard).toHaveLength(sent), { timeout: 2_000 })
    const late = localReceiver.heard.map((h) => h.late).sort((x, y) => x - y)
    const worst = late.at(-1) ?? 0
    console.log(
      `redis stalled 4 s: local room got ${localReceiver.heard.length}/${sent} in order, latency p50 ${late[sent >> 1]} ms, max ${worst} ms; /healthz said ${seen?.status}/${seen?.redis} ${stalledAfterMs} ms after the stop`,
    )
    expect(localReceiver.heard.map((h) => h.n)).toEqual(Array.from({ length: sent }, (_, i) => i))
    expect(worst).toBeLessThan(500)
    expect(seen).toMatchObject({ status: 'degraded', redis: 'stalled' })
    expect(stalledAfterMs).toBeLessThan(3_000)
    expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('keyroom_relay_redis_up 0\n')
    await vi.waitFor(() => expect(a.output()).toContain('redis stalled: no answer to PING within 1000 ms'))

    redis.resume()
    await vi.waitFor(async () => expect(await health(a.url)).toMatchObject({ status: 'ok', redis: 'up' }), {
      timeout: 10_000,
    })
    await vi.waitFor(() => expect(a.output()).toContain('redis is back'))
    let probe = 1000
    await vi.waitFor(
      async () => {
        await send(sharedSender, 'shared', probe++)
        expect(sharedOnB.heard.some((h) => h.n >= 1000)).toBe(true)
      },
      { timeout: 10_000, interval: 200 },
    )
    for (let n = 2000; n < 2050; n++) await send(sharedSender, 'shared', n)
    await vi.waitFor(() =>
      expect(sharedOnB.heard.filter((h) => h.n >= 2000).map((h) => h.n)).toEqual(
        Array.from({ length: 50 }, (_, i) => 2000 + i),
      ),
    )
    const numbers = sharedOnB.heard.map((h) => h.n)
    expect(new Set(numbers).size).toBe(numbers.length) // never twice
    const duringStall = sharedOnB.heard.filter((h) => h.n >= 0 && h.n < sent)
    console.log(
      `cross-relay during the stall: ${duringStall.length}/${sent} reached relay B (the rest dropped), at most ${Math.max(0, ...duringStall.map((h) => h.late))} ms late`,
    )
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
