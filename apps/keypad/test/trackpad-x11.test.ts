// The trackpad end to end: touches in Chromium (touch emulation, CDP Input.dispatchTouchEvent) -> the keypad ->
// the real relay -> the receiver process with the real nut driver -> the X server, read back from X itself
// (xdotool getmouselocation, and an xev window that records every button, wheel and motion event).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MessageBody } from '@keyroom/key-events'
import { formatDeviceLink } from '@keyroom/room-client'
import { joinAsReceiver, pairDeviceDir, spawnApp } from '@keyroom/test-kit'
import type { CDPSession, Page } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { DEFAULT_SETTINGS } from '../src/settings.js'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, touchHold } from './phone.js'
import { startXPointerSession, type XPointerSession } from './x-pointer.js'

const here = dirname(fileURLToPath(import.meta.url))

const e2e = serveKeypadForSuite()

const pace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Setup {
  x: XPointerSession
  page: Page
  cdp: CDPSession
  surface: { x: number; y: number; width: number; height: number }
  /** Everything the phone sent, as a second room member hears it. */
  heard: MessageBody[]
}

async function setup(): Promise<Setup> {
  const x = await startXPointerSession()
  const paired = pairDeviceDir(e2e.relay.url, { name: 'X mac' })
  spawnApp('apps/mac-receiver/src/main.ts', ['run', '--driver', 'nut', '--name', 'X mac'], {
    env: { ...x.env, KEYROOM_CONFIG_DIR: paired.configDir },
  })
  // A second receiver in the room, whose link the phone opens too: it hears every pointer action the phone sends
  // (actions travel pairwise, to trusted receivers that drive a pointer).
  const listening = pairDeviceDir(e2e.relay.url, { name: 'listener', room: paired.link.room })
  const listener = await joinAsReceiver(listening, 'mac-receiver', 'listener', {
    caps: { inject: true, pointer: true },
  })
  const heard: MessageBody[] = []
  listener.on('message', (m) => heard.push(m.body))

  const context = await newPhone(e2e.browser)
  onTestFinished(() => context.close().catch(() => undefined))
  const page = await context.newPage()
  await openPairingLink(page, formatDeviceLink(paired.link, e2e.relay.url))
  await page.getByText('X mac', { exact: true }).waitFor({ timeout: 30_000 })
  await openPairingLink(page, formatDeviceLink(listening.link, e2e.relay.url))
  await vi.waitFor(
    async () =>
      expect(await page.getByTestId('verdict').allTextContents()).toEqual([
        ' approved (admin)',
        ' approved (admin)',
      ]),
    { timeout: 30_000 },
  )
  await page.getByRole('button', { name: 'Trackpad', exact: true }).tap()
  const box = await page.getByRole('application').boundingBox()
  if (!box) throw new Error('no trackpad surface on screen')
  const cdp = await context.newCDPSession(page)
  return { x, page, cdp, surface: box, heard }
}

/** `at`: the event's own time (seconds since the epoch), which the page sees as `timeStamp`; default now. */
const touch = (
  cdp: CDPSession,
  type: 'touchStart' | 'touchMove' | 'touchEnd',
  points: { x: number; y: number }[],
  at?: number,
) =>
  cdp.send('Input.dispatchTouchEvent', {
    type,
    touchPoints: points.map((p, id) => ({ ...p, id })),
    ...(at === undefined ? {} : { timestamp: at }),
  })

const buttonEvents = (x: XPointerSession, type: 'ButtonPress' | 'ButtonRelease') =>
  x
    .events()
    .filter((e) => e.type === type)
    .map((e) => e.button)

describe('the trackpad drives the X pointer through the real receiver', () => {
  it('a slow one-finger drag moves the pointer by the finger travel times the pointer speed', async () => {
    const { x, cdp, surface } = await setup()
    const before = await x.pointer()
    const start = { x: surface.x + 40, y: surface.y + 40 }
    // 4 px every 40 ms by the events' own timestamps (the gestures measure speed by them): 100 px/s, below the
    // acceleration threshold (300 px/s), however fast a loaded machine delivers them.
    const t0 = Date.now() / 1000
    await touch(cdp, 'touchStart', [start], t0)
    for (let i = 1; i <= 20; i++) {
      await touch(cdp, 'touchMove', [{ x: start.x + 4 * i, y: start.y + 2 * i }], t0 + 0.04 * i)
    }
    await touch(cdp, 'touchEnd', [], t0 + 0.04 * 21)
    const speed = DEFAULT_SETTINGS.pointerSpeed
    await vi.waitFor(
      async () => expect(await x.pointer()).toEqual({ x: before.x + 80 * speed, y: before.y + 40 * speed }),
      { timeout: 10_000 },
    )
    expect(buttonEvents(x, 'ButtonPress')).toEqual([]) // a drag is no click
  }, 90_000)

  it('a tap clicks, a two-finger tap right-clicks and a two-finger drag scrolls, into a real window', async () => {
    const { x, cdp, surface } = await setup()
    const at = { x: surface.x + surface.width / 2, y: surface.y + surface.height / 2 }
    await touch(cdp, 'touchStart', [at])
    await touch(cdp, 'touchEnd', [])
    await vi.waitFor(() => expect(buttonEvents(x, 'ButtonRelease')).toEqual([1]), { timeout: 10_000 })

    const two = [at, { x: at.x + 50, y: at.y }]
    await touch(cdp, 'touchStart', two)
    await touch(cdp, 'touchEnd', [])
    await vi.waitFor(() => expect(buttonEvents(x, 'ButtonRelease')).toEqual([1, 3]), { timeout: 10_000 })

    // Two fingers up by 100 px: content follows them, the view goes down (wheel button 5).
    await touch(cdp, 'touchStart', two)
    for (let i = 1; i <= 10; i++) {
      await pace(20)
      await touch(
        cdp,
        'touchMove',
        two.map((p) => ({ x: p.x, y: p.y - 10 * i })),
      )
    }
    await touch(cdp, 'touchEnd', [])
    await vi.waitFor(
      () => expect(buttonEvents(x, 'ButtonPress').filter((b) => b === 5).length).toBeGreaterThanOrEqual(2),
      { timeout: 10_000 },
    )
    expect(buttonEvents(x, 'ButtonPress').filter((b) => b === 4)).toEqual([])
  }, 90_000)

  it('a mouse button held while the phone tab is killed is released by the receiver', async () => {
    const { x, page } = await setup()
    await touchHold(page, page.getByRole('button', { name: 'Left button', exact: true }))
    await vi.waitFor(() => expect(buttonEvents(x, 'ButtonPress')).toEqual([1]), { timeout: 10_000 })
    // The renderer dies: no touchend, no bye. The relay sees the socket go, or the lease runs out.
    const killer = await page.context().newCDPSession(page)
    // Page.crash never answers (the page it would answer from is gone): fire and forget.
    void killer.send('Page.crash').catch(() => undefined)
    await vi.waitFor(() => expect(buttonEvents(x, 'ButtonRelease')).toEqual([1]), { timeout: 15_000 })
  }, 90_000)

  it('measures touch-to-pointer latency and the coalesced move rate', async () => {
    const { x, cdp, surface, heard } = await setup()
    const start = { x: surface.x + 20, y: surface.y + 20 }
    await touch(cdp, 'touchStart', [start])
    await pace(40)
    await touch(cdp, 'touchMove', [{ x: start.x + 10, y: start.y }]) // past the tap slop
    await vi.waitFor(() => expect(x.events().some((e) => e.type === 'MotionNotify')).toBe(true), {
      timeout: 10_000,
    })
    // Latency: one small step at a time, 50 ms apart, each timed until xev reports the pointer motion.
    const latencies: number[] = []
    let fingerX = start.x + 10
    for (let i = 0; i < 60; i++) {
      await pace(50)
      const seen = x.events().length
      fingerX += i % 2 === 0 ? 2 : -2
      const sentAt = performance.now()
      await touch(cdp, 'touchMove', [{ x: fingerX, y: start.y }])
      await vi.waitFor(
        () => {
          const motion = x
            .events()
            .slice(seen)
            .find((e) => e.type === 'MotionNotify')
          if (!motion) throw new Error('no motion yet')
          latencies.push(motion.at - sentAt)
        },
        { timeout: 5_000, interval: 1 },
      )
    }
    // Rate: a fast finger (a touch event issued every 4 ms for 2 s, not waiting for each) gives at most ~60 moves/s.
    const movesBefore = heard.filter((b) => b.type === 'move').length
    const rateStart = performance.now()
    let step = 0
    const issued: Promise<unknown>[] = []
    while (performance.now() - rateStart < 2_000 && step < 1_000) {
      step += 1
      issued.push(touch(cdp, 'touchMove', [{ x: start.x + 10 + (step % 100), y: start.y + (step % 50) }]))
      await pace(4)
    }
    await Promise.all(issued)
    const seconds = (performance.now() - rateStart) / 1000
    await touch(cdp, 'touchEnd', [])
    await pace(100)
    const moves = heard.filter((b) => b.type === 'move').length - movesBefore
    const sorted = [...latencies].sort((a, b) => a - b)
    const pick = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
    const result = {
      samples: sorted.length,
      p50Ms: Number(pick(0.5).toFixed(1)),
      p99Ms: Number(pick(0.99).toFixed(1)),
      maxMs: Number((sorted.at(-1) ?? Number.NaN).toFixed(1)),
      touchEventsPerSecond: Math.round(step / seconds),
      movesPerSecond: Math.round(moves / seconds),
    }
    mkdirSync(join(here, '../test-output'), { recursive: true })
    writeFileSync(join(here, '../test-output/trackpad-latency.json'), `${JSON.stringify(result, null, 2)}\n`)
    console.info('trackpad', result)
    expect(result.samples).toBe(60)
    expect(result.movesPerSecond).toBeGreaterThan(20)
    expect(result.movesPerSecond).toBeLessThanOrEqual(66)
    // Headless Chromium delivers CDP touches at about 30-50 a second here, so the 60/s ceiling itself is shown by
    // the pointer-sender unit test (250 events a second in, at most one move per 16 ms out).
    expect(result.movesPerSecond).toBeLessThanOrEqual(result.touchEventsPerSecond)
  }, 120_000)
})
