// `pnpm soak`: measures what this machine carries (relay plus room clients on per-device trust: handshakes, pairwise
// sessions), then runs at half of it for ten minutes with churn (a room replaced every second: new keypad, new
// receiver, new identities and sessions), and reports the heap after GC of the relay and of the clients. Fails when
// delivery or heap growth pass their bounds.
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_FROM_SOURCE } from '@keyroom/test-kit/from-source'
import { closeRoom, drive, openRoom, percentile, type SoakRoom } from './soak/rooms.js'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const seconds = env('SOAK_SECONDS', 600)
const roomCount = env('SOAK_ROOMS', 20)
const probeSeconds = env('SOAK_PROBE_SECONDS', 5)
const heapGrowthBoundMb = env('SOAK_HEAP_GROWTH_MB', 16)
const sampleEverySeconds = env('SOAK_SAMPLE_SECONDS', 30)
const probeRates = (process.env.SOAK_PROBE_RATES ?? '100,250,500,1000,2000,4000').split(',').map(Number)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc (pnpm soak does)')

// Every wait is bounded: the whole run has a deadline.
const deadline = setTimeout(
  () => {
    console.error('soak: deadline passed, stopping')
    process.exit(3)
  },
  (seconds + probeRates.length * (probeSeconds + 3) + 300) * 1000,
)
deadline.unref()

const here = dirname(fileURLToPath(import.meta.url))
// The real relay entry point; limits raised as in the bench, so the rate limiter does not refuse the soak's load.
const relay = fork(join(here, '../apps/relay/src/main.ts'), [], {
  execArgv: ['--expose-gc', ...NODE_FROM_SOURCE, '--import', join(here, 'soak/heap-probe.ts')],
  env: {
    ...process.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    EVENTS_PER_SECOND: '100000',
    EVENT_BURST: '100000',
    MAX_CONNECTIONS_PER_IP: '1000000',
  },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
})
const fromRelay = <T>(type: string) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`soak: relay did not answer ${type}`)), 10_000)
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return
      clearTimeout(timer)
      relay.off('message', onMessage)
      resolve(message as T)
    }
    relay.on('message', onMessage)
  })
const url = await new Promise<string>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('soak: the relay did not start within 20 s')), 20_000)
  let out = ''
  relay.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    const found = /listening on (http:\/\/\S+)/.exec(out)
    if (found?.[1]) {
      clearTimeout(timer)
      resolve(found[1])
    }
  })
})
console.log(`relay ${url} (limits raised: EVENTS_PER_SECOND=100000, EVENT_BURST=100000)`)

let rooms: SoakRoom[] = await Promise.all(Array.from({ length: roomCount }, () => openRoom(url)))
const drain = () => new Promise((resolve) => setTimeout(resolve, 2_000))
const reset = () => {
  for (const room of rooms) Object.assign(room, { sent: 0, delivered: 0, latencies: [] })
}
const totals = (list: SoakRoom[]) => ({
  sent: list.reduce((n, r) => n + r.sent, 0),
  delivered: list.reduce((n, r) => n + r.delivered, 0),
  latencies: list.flatMap((r) => r.latencies),
})

// 1. Capacity: the highest offered rate that is all delivered (99.5%) with p95 under 100 ms.
let capacity = 0
for (const rate of probeRates) {
  reset()
  const { offered } = await drive(() => rooms, rate, probeSeconds)
  await drain()
  const { sent, delivered, latencies } = totals(rooms)
  const p95 = percentile(latencies, 95)
  // Carried: the clients kept up with the rate, and the relay delivered it all, quickly.
  const ok = offered >= rate * probeSeconds * 0.9 && delivered >= sent * 0.995 && p95 < 100
  console.log(
    `probe ${rate}/s: offered ${offered}, delivered ${delivered}/${sent}, p95 ${p95} ms${ok ? '' : ' (over capacity)'}`,
  )
  if (!ok) break
  capacity = rate
}
if (capacity === 0) throw new Error('soak: not even the lowest probe rate was carried')
const rate = Math.round(capacity / 2)
console.log(`capacity ${capacity}/s; soaking at ${rate}/s for ${seconds} s with a room replaced every second`)

// 2. Soak with churn, sampling heap after GC.
reset()
const retired: SoakRoom[] = []
const churn = async () => {
  const [old, ...rest] = rooms
  if (!old) return
  rooms = rest
  await drain() // what is in flight to it arrives before it closes
  await closeRoom(old)
  retired.push(old)
  rooms.push(await openRoom(url))
}
const samples: { at: number; relayHeapMb: number; clientHeapMb: number }[] = []
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
const sample = async (at: number) => {
  gc()
  const relayHeap = fromRelay<{ heapUsed: number }>('heap')
  relay.send({ type: 'heap' })
  const entry = {
    at,
    relayHeapMb: mb((await relayHeap).heapUsed),
    clientHeapMb: mb(process.memoryUsage().heapUsed),
  }
  samples.push(entry)
  console.log(`t=${at}s heap after GC: relay ${entry.relayHeapMb} MB, clients ${entry.clientHeapMb} MB`)
}
const started = Date.now()
await sample(0)
const sampler = setInterval(
  () => void sample(Math.round((Date.now() - started) / 1000)),
  sampleEverySeconds * 1000,
)
const soaked = await drive(() => rooms, rate, seconds, churn)
clearInterval(sampler)
await drain()
await sample(Math.round((Date.now() - started) / 1000))

// 3. Bounds: heap after the first minute's warm-up may not keep growing; everything sent arrives.
const warm = samples.find((s) => s.at >= Math.min(60, seconds / 4)) ?? samples[0]
const last = samples.at(-1)
const { sent, delivered, latencies } = totals([...retired, ...rooms])
const growth = {
  relayMb: mb(((last?.relayHeapMb ?? 0) - (warm?.relayHeapMb ?? 0)) * 1024 * 1024),
  clientMb: mb(((last?.clientHeapMb ?? 0) - (warm?.clientHeapMb ?? 0)) * 1024 * 1024),
}
const report = {
  capacity,
  rate,
  offeredPerSecond: Math.round(soaked.offered / seconds),
  seconds,
  rooms: roomCount,
  churned: retired.length,
  sent,
  delivered,
  p50Ms: percentile(latencies, 50),
  p95Ms: percentile(latencies, 95),
  heapGrowthSinceWarmUp: growth,
  heapGrowthBoundMb,
  samples,
}
console.log(JSON.stringify(report, null, 2))
await Promise.all(rooms.map(closeRoom))
relay.disconnect()
const failures = [
  delivered < sent * 0.99 && `delivered ${delivered} of ${sent} (under 99%)`,
  growth.relayMb > heapGrowthBoundMb && `relay heap grew ${growth.relayMb} MB (bound ${heapGrowthBoundMb})`,
  growth.clientMb > heapGrowthBoundMb &&
    `client heap grew ${growth.clientMb} MB (bound ${heapGrowthBoundMb})`,
].filter(Boolean)
if (failures.length > 0) {
  console.error(`soak failed: ${failures.join('; ')}`)
  process.exit(1)
}
console.log('soak passed')
process.exit(0)
