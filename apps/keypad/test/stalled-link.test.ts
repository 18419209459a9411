// Issue 18: a Wi-Fi blip looked connected. The keypad session, on the real room client, through a TCP proxy that
// stalls the link: it says so within a couple of seconds, and shows which device missed a press.
import { connectDevice, createIdentity } from '@keyroom/room-client'
import { joinAsReceiver, pairDeviceDir, startFaultProxy, startTestRelay } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createSession, HEARTBEAT_MS } from '../src/session.js'

describe('keypad on a stalling link', () => {
  it('shows the stall within about two heartbeats, and a press that did not arrive within a second', async () => {
    const relay = await startTestRelay()
    const proxy = await startFaultProxy({ port: relay.port })
    onTestFinished(() => proxy.close())
    const paired = pairDeviceDir(relay.url, { name: 'mac' })
    await joinAsReceiver(paired, 'mac-receiver', 'mac')
    const identity = createIdentity()
    const session = createSession({
      connect: (options) => connectDevice({ ...options, identity }),
      name: 'phone',
      setInterval: (callback, ms) => setInterval(callback, ms),
      clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
    })
    onTestFinished(() => session.close())
    // The phone reaches the relay through the proxy; the Mac directly.
    session.open({ link: { ...paired.link, relay: proxy.url }, trusted: [] })
    await vi.waitFor(
      () =>
        expect(session.getSnapshot().peers.map((p) => [p.name, p.status?.state])).toEqual([
          ['mac', 'approved'],
        ]),
      { timeout: 10_000 },
    )
    session.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    await vi.waitFor(() => expect(Object.values(session.getSnapshot().delivery)).toEqual([{ ok: true }]))

    // The phone's link stalls (a Wi-Fi blip): nothing gets through either way, yet the socket looks connected.
    const macId = session.getSnapshot().peers[0]?.id ?? ''
    proxy.stall()
    const stalledAt = Date.now()
    session.send({ type: 'key', code: 'KeyB', phase: 'tap' })
    await vi.waitFor(() => expect(session.getSnapshot().stalled).toBe(true), { timeout: 4 * HEARTBEAT_MS })
    const noticedMs = Date.now() - stalledAt
    console.log(`stalled link noticed after ${noticedMs} ms (heartbeat ${HEARTBEAT_MS} ms)`)
    expect(noticedMs).toBeLessThanOrEqual(2.5 * HEARTBEAT_MS + 500)
    expect(session.getSnapshot().delivery[macId]).toEqual({ ok: false, reason: 'no receipt' })

    proxy.resume()
    await vi.waitFor(() => expect(session.getSnapshot().stalled).toBe(false), { timeout: 4 * HEARTBEAT_MS })
    session.send({ type: 'key', code: 'KeyC', phase: 'tap' })
    await vi.waitFor(() => expect(session.getSnapshot().delivery[macId]).toEqual({ ok: true }))
  })
})
