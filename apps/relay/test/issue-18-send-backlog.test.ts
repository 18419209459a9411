import { readFileSync } from 'node:fs'
import { RelayEvent } from '@keyroom/key-events'
import { startFaultProxy, startRelayProcess } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { call, client, expectOk } from './helpers.js'

const ROOMS = 10
/** Under the relay's 100 events per second per connection, so no sender is rate-limited. */
const PER_SECOND = 90
/** A string payload of this many characters is 16 KB of JSON, just under the relay's payload limit. */
const PAYLOAD = 'x'.repeat(16_000)

const rssBytes = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? Number.NaN) * 1024
}
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

describe('a member that stops reading (issue 18)', () => {
  it('is dropped once its backlog passes the bound, the relay stays small, and its rooms stay served', async () => {
    const relay = await startRelayProcess({})
    const pid = relay.child.pid ?? 0
    const proxy = await startFaultProxy({ port: relay.port })
    onTestFinished(() => proxy.close())

    const rooms = Array.from({ length: ROOMS }, (_, i) => `busy-${i}`)
    const stuck = await client(proxy.url)
    for (const room of rooms) expectOk(await call(stuck, RelayEvent.joinRoom, room))
    const pairs = await Promise.all(
      rooms.map(async (room) => {
        const sender = await client(relay.url)
        const receiver = await client(relay.url)
        expectOk(await call(sender, RelayEvent.joinRoom, room))
        expectOk(await call(receiver, RelayEvent.joinRoom, room))
        const heard: number[] = []
        receiver.on('msg', (payload) => heard.push((payload as { n: number }).n))
        return { room, sender, heard, sent: 0 }
      }),
    )
    let stuckDisconnected: number | undefined
    stuck.on('disconnect', () => {
      stuckDisconnected ??= performance.now()
    })

    const before = rssBytes(pid)
    proxy.stall('down') // the member stops reading: what the relay writes to it backs up
    const stalledAt = performance.now()
    let peak = before
    const refusals: string[] = []
    // Every sender at 90 events a second with 16 KB payloads, paced in 100 ms steps; the relay's RSS sampled too.
    const load = setInterval(() => {
      for (const pair of pairs) {
        for (let i = 0; i < PER_SECOND / 10; i++) {
          pair.sender.emit(
            RelayEvent.broadcast,
            { roomName: pair.room, eventName: 'msg', payload: { n: pair.sent++, pad: PAYLOAD } },
            (ack) => {
              if (!ack.ok) refusals.push(ack.error.code)
            },
          )
        }
      }
      peak = Math.max(peak, rssBytes(pid))
    }, 100)
    onTestFinished(() => clearInterval(load))

    await vi.waitFor(() => expect(relay.output()).toContain('dropped a connection that stopped reading'), {
      timeout: 10_000,
      interval: 50,
    })
    const droppedAfterMs = performance.now() - stalledAt
    // Two more seconds of load after the drop: nothing keeps growing.
    const droppedSent = pairs[0]?.sent ?? 0
    await vi.waitFor(() => expect(pairs[0]?.sent).toBeGreaterThan(droppedSent + 2 * PER_SECOND), {
      timeout: 10_000,
    })
    clearInterval(load)
    const sent = pairs.map((p) => p.sent)
    await vi.waitFor(() => expect(pairs.map((p) => p.heard.length)).toEqual(sent), { timeout: 10_000 })

    const metrics = await (await fetch(`${relay.url}/metrics`)).text()
    const line = /"msg":"(dropped a connection that stopped reading[^"]*)"/.exec(relay.output())?.[1]
    console.log(
      `stopped reader in ${ROOMS} rooms, ${ROOMS} senders at ${PER_SECOND}/s with 16 KB: dropped ${droppedAfterMs.toFixed(0)} ms after it stopped reading (${line}); relay RSS ${mb(before)} MB before, peak ${mb(peak)} MB (+${mb(peak - before)} MB) over ${((performance.now() - stalledAt) / 1000).toFixed(1)} s; ${sent.reduce((a, b) => a + b, 0)} messages all delivered to the other members`,
    )
    expect(refusals).toEqual([])
    expect(droppedAfterMs).toBeLessThan(5_000)
    expect(peak - before).toBeLessThan(64 * 1024 * 1024)
    expect(metrics).toContain('keyroom_relay_backlog_disconnects_total 1\n')
    // Every other member got every message, in order.
    for (const pair of pairs) expect(pair.heard).toEqual(Array.from({ length: pair.sent }, (_, n) => n))
    // The relay let go of it: one connection fewer, and the stuck client learns once the link moves again.
    expect(metrics).toContain(`keyroom_relay_connections ${2 * ROOMS}\n`)
    proxy.resume('down')
    await vi.waitFor(() => expect(stuckDisconnected).toBeDefined())
  }, 60_000)
})
