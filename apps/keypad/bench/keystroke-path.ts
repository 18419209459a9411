/**
 * `pnpm --filter @keyroom/keypad bench` (also run by the root `pnpm bench`): the keystroke path on loopback, from a
 * keypad tap in headless Chromium to the receiver's key call. Three processes as `pnpm start` runs them: the relay
 * (serving the built keypad), the receiver with its log driver (one JSON line per key call on stdout), and Chromium.
 * See README.md ("Keystroke path") for what is measured.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os, { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRoomId, formatDeviceLink } from '@keyroom/room-client'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { NODE_FROM_SOURCE } from '@keyroom/test-kit/from-source'
import type { Page } from 'playwright-core'
import { EVENT_TO_SEND, PRESS_TO_SEND } from '../src/app.js'
import { launchChromium, newPhone } from '../test/browser.js'
import { buildKeypadOnce } from '../test/build-keypad.js'
import { traceTouchDispatch } from './touch-dispatch.js'

const TAPS = Number(process.env.BENCH_TAPS || 200)
const WARMUP_TAPS = 10
/** Each step waits at most this long; the whole bench at most DEADLINE_MS. */
const STEP_TIMEOUT_MS = 10_000
const DEADLINE_MS = 3 * 60_000
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..')

const deadline = setTimeout(() => {
  process.stdout.write(`keystroke bench: still running after ${DEADLINE_MS / 1000} s; giving up\n`)
  process.exit(1)
}, DEADLINE_MS)

/** Milliseconds since the Unix epoch with sub-millisecond resolution; the page's clock is mapped onto it. */
const now = () => performance.timeOrigin + performance.now()

const children: ChildProcess[] = []
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

/** An app from source as its own process; `onLine` sees every stdout line as it arrives. */
function start(args: string[], env: Record<string, string>, onLine: (line: string, at: number) => void) {
  const child = spawn(process.execPath, [...NODE_FROM_SOURCE, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    const at = now()
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) onLine(line, at)
  })
  return child
}

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  const limit = performance.now() + STEP_TIMEOUT_MS
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (performance.now() > limit) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

/**
 * The page's clock minus ours: read the page's epoch time between two of ours, many times, and keep the reading
 * with the shortest round trip; its error is at most half that round trip.
 */
async function clockOffset(page: Page): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Number.POSITIVE_INFINITY }
  for (let i = 0; i < 50; i++) {
    const before = now()
    const theirs = await page.evaluate(() => performance.timeOrigin + performance.now())
    const after = now()
    const errorMs = (after - before) / 2
    if (errorMs < best.errorMs) best = { offsetMs: theirs - (before + after) / 2, errorMs }
  }
  return best
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) =>
    sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1] ?? NaN
  const round = (ms: number) => Math.round(ms * 1000) / 1000
  return {
    samples: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(at(1)),
  }
}

async function main() {
  const loadAtStart = os.loadavg()
  const dist = await buildKeypadOnce()
  let relayUrl: string | undefined
  start(['apps/relay/src/main.ts'], { PORT: '0', KEYPAD_DIR: dist, LOG_LEVEL: 'warn' }, (line) => {
    relayUrl ??= /listening on (http:\/\/\S+)/.exec(line)?.[1]
  })
  const url = await until('the relay', () => relayUrl)

  // The receiver's state dir as `keyroom-receiver pair --relay URL` leaves it: a room and an open pairing window.
  const configDir = mkdtempSync(join(tmpdir(), 'keyroom-bench-receiver-'))
  const store = openDeviceStore(configDir)
  const room = { relay: url, room: createRoomId() }
  store.setRoom(room)
  const link = formatDeviceLink({
    ...room,
    peer: store.identity().publicKey,
    name: 'Bench Mac',
    pairingSecret: store.openWindow(600),
  })
  /** When each key-down line of the receiver's log driver arrived. */
  const downs: number[] = []
  let ups = 0
  start(
    ['apps/mac-receiver/src/main.ts', 'run', '--driver', 'log', '--name', 'Bench Mac'],
    {
      LOG_LEVEL: 'warn',
      KEYROOM_CONFIG_DIR: configDir,
    },
    (line, at) => {
      if (!line.startsWith('{')) return
      const { action } = JSON.parse(line) as { action?: string }
      if (action === 'down') downs.push(at)
      if (action === 'up') ups++
    },
  )

  const browser = await launchChromium()
  try {
    const context = await newPhone(browser)
    const page = await context.newPage()
    await page.goto(link)
    await page.getByRole('button', { name: 'Join room' }).click({ timeout: STEP_TIMEOUT_MS })
    await page.getByTestId('verdict').getByText('approved').waitFor({ timeout: STEP_TIMEOUT_MS })
    const key = page.getByRole('button', { name: 'J', exact: true })
    const tracing = await traceTouchDispatch(browser, page)
    for (let i = 0; i < WARMUP_TAPS + TAPS; i++) {
      await key.tap()
      await until(`key-up ${i + 1}`, () => (ups > i ? true : undefined))
    }
    const waits = await tracing.stop()
    const clock = await clockOffset(page)
    // EVENT_TO_SEND runs from the pointer event's time stamp to the sealed message handed to socket.io;
    // PRESS_TO_SEND from the keypad's pointer handler starting to the same moment.
    const spans = await page.evaluate(
      ([fromEvent, fromHandler]) => {
        const handlers = performance.getEntriesByName(fromHandler)
        return performance.getEntriesByName(fromEvent).map((entry, i) => ({
          tap: performance.timeOrigin + entry.startTime,
          handler: performance.timeOrigin + (handlers[i]?.startTime ?? Number.NaN),
          handed: performance.timeOrigin + entry.startTime + entry.duration,
        }))
      },
      [EVENT_TO_SEND, PRESS_TO_SEND] as const,
    )
    if (spans.length !== downs.length || waits.length !== downs.length) {
      throw new Error(
        `${spans.length} taps in the page and ${waits.length} touches in the trace but ${downs.length} key-downs at the receiver`,
      )
    }
    const measured = downs
      .map((at, i) => {
        const span = spans[i] as { tap: number; handler: number; handed: number }
        // When Chromium's input router took the touch: where a touchscreen's touch would start.
        return { at, ...span, touch: span.tap + (waits[i] as number) }
      })
      .slice(WARMUP_TAPS)
    const ours = (pageTime: number) => pageTime - clock.offsetMs
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpuModel: os.cpus()[0]?.model.trim(),
        cores: os.cpus().length,
        node: process.version,
        chromium: browser.version(),
        loadAverageAtStart: loadAtStart,
        loadAverage: os.loadavg(),
      },
      taps: TAPS,
      clockErrorMs: Math.round(clock.errorMs * 1000) / 1000,
      /** From the touch's DevTools time stamp (the pointer event's `timeStamp`), as in the earlier results. */
      tapToKeyCallMs: percentiles(measured.map((m) => m.at - ours(m.tap))),
      /** From Chromium's input router taking the touch: the keystroke path without DevTools' wait for a frame. */
      touchToKeyCallMs: percentiles(measured.map((m) => m.at - ours(m.touch))),
      /** DevTools' wait for the page's next frame before it lets the touch go (touch-dispatch.ts); harness only. */
      devtoolsWaitMs: percentiles(measured.map((m) => m.touch - m.tap)),
      /** Inside the page: the browser's input pipeline and the keypad's handler, sealing included. */
      tapToHandedMs: percentiles(measured.map((m) => m.handed - m.tap)),
      /** Chromium's input pipeline: the router, the compositor thread, the main thread, to the pointer handler. */
      touchToHandlerMs: percentiles(measured.map((m) => m.handler - m.touch)),
      /** The keypad's pointer handler: controller, sealing, socket.io's emit. */
      handlerToHandedMs: percentiles(measured.map((m) => m.handed - m.handler)),
      /** socket.io-client, the relay, the receiver's room-client and its key call, and the pipe to the bench. */
      handedToKeyCallMs: percentiles(measured.map((m) => m.at - ours(m.handed))),
    }
    const out = join(
      dirname(fileURLToPath(import.meta.url)),
      'results',
      process.env.BENCH_OUT || `${result.date.slice(0, 10)}.json`,
    )
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
    const ms = (value: number) => `${value.toFixed(2)} ms`
    const line = (name: string, p: ReturnType<typeof percentiles>) =>
      `  ${name} p50 ${ms(p.p50)}, p95 ${ms(p.p95)}, p99 ${ms(p.p99)}, max ${ms(p.max)}\n`
    process.stdout.write(
      `Keystroke path on loopback, Node ${process.version}, Chromium ${result.machine.chromium}, ${TAPS} taps ` +
        `(clocks matched within ${ms(result.clockErrorMs)}; goal p99 <= 5 ms):\n` +
        line('touch taken by Chromium -> receiver key call', result.touchToKeyCallMs) +
        line('  touch -> keypad pointer handler', result.touchToHandlerMs) +
        line('  pointer handler -> handed to socket.io', result.handlerToHandedMs) +
        line('  handed -> receiver key call', result.handedToKeyCallMs) +
        line('DevTools stamp -> receiver key call', result.tapToKeyCallMs) +
        line('  DevTools wait for a frame', result.devtoolsWaitMs) +
        `  load average at the end ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} on ${os.cpus().length} cores\nresults in ${out}\n`,
    )
  } finally {
    await browser.close()
  }
}

main().then(
  () => {
    clearTimeout(deadline)
    process.exit(0)
  },
  (error: Error) => {
    process.stdout.write(`keystroke bench failed: ${error.stack ?? error.message}\n`)
    process.exit(1)
  },
)
