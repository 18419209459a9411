// Chaos for the receiver (issue 18), real processes on 127.0.0.1: `keyroom-receiver --driver nut` on a private X
// server, the real relay, a keypad (room-client) in this process; the X server's own key state is read with
// XQueryKeymap. The receiver killed with SIGKILL mid-hold and restarted; the keypad's link cut without a close frame
// mid-hold; the keypad's link stalled so that its key-up comes late.
import { HOLD_LEASE_MS, type KeyCode, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import {
  type DeviceMember,
  type FaultProxy,
  joinAsDevice,
  pairDeviceDir,
  perSuite,
  startFaultProxy,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { REPEAT_STALL_MS } from '../src/key-repeat.js'
import { openX11, type X11Client } from '../src/x11-client.js'
import { spawnReceiver } from './helpers.js'
import { startXSession, type XSession } from './x-session.js'

const cleanup = perSuite()
/** The receiver README's bound: a held key is up within its lease plus this. */
const BOUND_MS = 50
/** The README's repeat-storm bound: repeats stop within REPEAT_STALL_MS of the last renewal plus this. */
const REPEAT_BOUND_MS = 100
/** How often the test reads the X server's key state. */
const POLL_MS = 5
/** A ceiling for waits on what another process does (vi.waitFor's default, 1 s, is short on a loaded machine). */
const EVENT_WAIT = { timeout: 10_000, interval: 20 }

let x: XSession
let client: X11Client
let relayPort: number
const keycodeOf = new Map<KeyCode, number>()

beforeAll(async () => {
  x = await startXSession({ cleanup })
  client = await openX11(x.display)
  cleanup(() => client.close())
  const relay = await startTestRelay({}, cleanup)
  relayPort = relay.port
  const rows = await client.getKeyboardMapping()
  for (const [code, keysym] of [
    ['ShiftLeft', 0xffe1],
    ['KeyA', 0x61],
  ] as const) {
    const index = rows.findIndex((row) => row.includes(keysym))
    keycodeOf.set(code, client.minKeycode + index)
  }
}, 30_000)

const isDown = async (code: KeyCode) => (await client.keysDown()).includes(keycodeOf.get(code) ?? -1)

/** Resolves with the time `code` was first seen up in X, polling every POLL_MS. */
const whenUp = (code: KeyCode, timeout = 10_000) =>
  vi.waitFor(
    async () => {
      if (await isDown(code)) throw new Error(`${code} still down`)
      return performance.now()
    },
    { timeout, interval: POLL_MS },
  )

/** A keypad holding keys the way the real one does: a down, then a renewal every 500 ms. */
function hold(keypad: DeviceMember, codes: KeyCode[]) {
  for (const code of codes) void keypad.send({ type: 'key', code, phase: 'down' })
  let renewals = 0
  const timer = setInterval(() => {
    renewals++
    void keypad.send({ type: 'renew', codes })
  }, LEASE_RENEW_INTERVAL_MS)
  onTestFinished(() => clearInterval(timer))
  return {
    /** Renewals sent so far. */
    renewals: () => renewals,
    stop: () => clearInterval(timer),
  }
}

/** A room with a receiver under the nut driver on this file's X server, and a keypad (through `proxy` if given). */
async function room(name: string, proxy?: FaultProxy) {
  const { configDir, link } = pairDeviceDir(`http://127.0.0.1:${relayPort}`, { name })
  const receiver = await spawnReceiver({ driver: 'nut', name, env: x.env, configDir })
  const keypad = await joinAsDevice(proxy ? { ...link, relay: proxy.url } : link, 'keypad', 'phone')
  await waitForDevice(keypad, name, 'approved')
  return { configDir, receiver, keypad }
}

describe('receiver chaos (issue 18)', () => {
  it('killed with SIGKILL while Shift and A are held, and restarted: X has nothing down, nothing typed twice', async () => {
    const { configDir, receiver, keypad } = await room('chaos mac')
    const start = (await x.read()).length
    await keypad.send({ type: 'text', text: 'one' })
    await x.waitFor('one', { from: start })
    const held = hold(keypad, ['ShiftLeft', 'KeyA'])
    await vi.waitFor(
      async () => expect([await isDown('ShiftLeft'), await isDown('KeyA')]).toEqual([true, true]),
      EVENT_WAIT,
    )

    receiver.child.kill('SIGKILL')
    expect(await receiver.exited).toEqual({ code: null, signal: 'SIGKILL' })
    // Nothing let go of them: the X server still has both down, and repeats A (after its 660 ms delay).
    await vi.waitFor(async () => expect((await x.read()).slice(start + 3)).toMatch(/^A+$/), {
      timeout: 5_000,
      interval: 20,
    })
    expect([await isDown('ShiftLeft'), await isDown('KeyA')]).toEqual([true, true])

    // The finger is still down: the keypad keeps renewing while the new receiver starts with the same config dir.
    const again = await spawnReceiver({ driver: 'nut', name: 'chaos mac 2', env: x.env, configDir })
    // A first, Shift last: a repeat of A between the two would otherwise type a lower-case a.
    await vi.waitFor(
      () =>
        expect(again.logs).toContainEqual(
          expect.objectContaining({
            code: 'ShiftLeft',
            reason: 'left down by the last run',
            msg: 'released key',
          }),
        ),
      { timeout: 15_000, interval: POLL_MS },
    )
    expect(
      again.logs.filter((line) => line.reason === 'left down by the last run').map((line) => line.code),
    ).toEqual(['KeyA', 'ShiftLeft'])
    // Released before it joined the room.
    const releasedAt = again.logs.findIndex((line) => line.reason === 'left down by the last run')
    const joinedAt = again.logs.findIndex((line) => line.msg === 'room connected')
    expect(releasedAt).toBeLessThan(joinedAt < 0 ? Number.POSITIVE_INFINITY : joinedAt)
    expect(await client.keysDown()).toEqual([])
    await waitForDevice(keypad, 'chaos mac 2', 'approved')
    // Renewals for keys the new receiver never pressed change nothing. Three reach it; the text sent after them is
    // typed once they were handled (one sender's messages are handled in order).
    const renewed = held.renewals()
    await vi.waitFor(() => expect(held.renewals()).toBeGreaterThanOrEqual(renewed + 3), {
      timeout: 10 * LEASE_RENEW_INTERVAL_MS,
    })
    held.stop()
    expect(await client.keysDown()).toEqual([])
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'up' })
    await keypad.send({ type: 'key', code: 'ShiftLeft', phase: 'up' })
    await keypad.send({ type: 'text', text: 'two' })
    // The terminal may still be writing the last repeats X sent before the release: wait for the text's end.
    await vi.waitFor(async () => expect((await x.read()).endsWith('two')).toBe(true), EVENT_WAIT)
    // "one" once, the A's the X server repeated while no receiver ran (upper-case to the last: A went up before
    // Shift), "two" once: nothing typed twice, nothing typed by the renewals.
    expect((await x.read()).slice(start)).toMatch(/^oneA+two$/)
    expect(await client.keysDown()).toEqual([])
  }, 40_000)

  it('the keypad’s link cut without a close frame mid-hold: Shift up within the lease bound', async () => {
    const proxy = await startFaultProxy({ port: relayPort })
    cleanup(() => proxy.close())
    const { receiver, keypad } = await room('cut mac', proxy)
    const held = hold(keypad, ['ShiftLeft'])
    await vi.waitFor(async () => expect(await isDown('ShiftLeft')).toBe(true))
    // Just after a renewal: the lease has the most left to run.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const cutAt = performance.now()
    proxy.cut()
    const upAt = await whenUp('ShiftLeft')
    const ms = upAt - cutAt
    const { reason } = await vi.waitFor(() => {
      const line = receiver.logs.find((l) => l.code === 'ShiftLeft' && l.msg === 'released key')
      if (!line) throw new Error('no release logged')
      return line
    })
    console.info(`link cut mid-hold: Shift up ${ms.toFixed(0)} ms after the cut (${reason})`)
    expect(ms).toBeLessThan(HOLD_LEASE_MS + BOUND_MS)
    // The keypad reconnects through the proxy and keeps renewing: the receiver does not press Shift again.
    await new Promise((resolve) => setTimeout(resolve, 3 * LEASE_RENEW_INTERVAL_MS))
    expect(await isDown('ShiftLeft')).toBe(false)
    held.stop()
  }, 30_000)

  it('a stalled link delays the key-up: A repeats no longer than the stall bound, and is up at the end', async () => {
    const proxy = await startFaultProxy({ port: relayPort })
    cleanup(() => proxy.close())
    const { keypad } = await room('stall mac', proxy)
    const start = (await x.read()).length
    const held = hold(keypad, ['KeyA'])
    await vi.waitFor(async () => expect(await isDown('KeyA')).toBe(true))
    // Long enough for X to repeat (its delay is 660 ms), then a renewal, then the link stalls right after it.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    await keypad.send({ type: 'renew', codes: ['KeyA'] })
    const stalledAt = performance.now()
    proxy.stall('up')
    // Record when each character arrives while the up waits in the proxy for 2.5 s.
    const arrivals: number[] = []
    let seen = (await x.read()).length
    const watch = setInterval(async () => {
      const now = (await x.read()).length
      for (; seen < now; seen++) arrivals.push(performance.now())
    }, POLL_MS)
    onTestFinished(() => clearInterval(watch))
    await new Promise((resolve) => setTimeout(resolve, 300))
    held.stop()
    void keypad.send({ type: 'key', code: 'KeyA', phase: 'up' })
    await new Promise((resolve) => setTimeout(resolve, 2_200))
    proxy.resume('up')
    await whenUp('KeyA')
    await new Promise((resolve) => setTimeout(resolve, 500))
    clearInterval(watch)
    const last = Math.max(0, ...arrivals) - stalledAt
    console.info(
      `stalled link, up delayed 2.5 s: ${arrivals.length} A's after the last renewal, the last ${last.toFixed(0)} ms after it`,
    )
    // The last renewal left just before the stall: A stops repeating REPEAT_STALL_MS after it, plus the bound.
    expect(last).toBeLessThan(REPEAT_STALL_MS + REPEAT_BOUND_MS)
    expect((await x.read()).slice(start)).toMatch(/^a+$/)
    expect(await client.keysDown()).toEqual([])
  }, 30_000)
})
