/**
 * One runtime's part of `pnpm bench` (relay-bench.ts starts it on each Node): keyroom's relay beside the plain
 * Socket.IO relay it grew from and a bare `ws` relay, doing the same job in one interleaved run. It writes its
 * results as JSON to BENCH_RESULT_FILE. See README.md for what is measured and how to read it.
 */
import { DEFAULT_CONFIG } from '../src/index.js'
import { BENCH, RAISED_LIMITS } from './config.js'
import { type Fleet, type LoadResult, openFleet, runLoad } from './load.js'
import { type MemoryResult, measureIdleMemory } from './memory.js'
import { PAYLOAD_JSON_BYTES } from './payload.js'
import { fixed, machine, writeJson } from './report.js'
import { killAllServers, RELAY_KINDS, type RelayKind, startServer } from './server-process.js'
import {
  loadTable,
  memoryTable,
  summarizeLoad,
  summarizeMemory,
  VARIANT_LABELS,
  type VariantId,
} from './summary.js'

const VARIANTS: { id: VariantId; kind: RelayKind; ack: boolean }[] = [
  { id: 'ours', kind: 'ours', ack: false },
  { id: 'ours-ack', kind: 'ours', ack: true },
  { id: 'socketio', kind: 'socketio', ack: false },
  { id: 'ws', kind: 'ws', ack: false },
  { id: 'lean-ack', kind: 'lean', ack: true },
]

/** Round r starts at the r-th item, so no relay always runs first or right after another. */
const rotate = <T>(items: readonly T[], r: number): T[] =>
  items.map((_, i) => items[(i + r) % items.length] as T)

const log = (line = '') => process.stdout.write(`${line}\n`)

const deadline = setTimeout(() => {
  log(`bench: still running after ${BENCH.deadlineMs / 1000} s; giving up`)
  killAllServers()
  process.exit(1)
}, BENCH.deadlineMs)

async function loadRounds() {
  const servers = await Promise.all(RELAY_KINDS.map(startServer))
  const fleets = new Map<RelayKind, Fleet>()
  try {
    for (const server of servers) fleets.set(server.kind, await openFleet(server))
    const fleetOf = (kind: RelayKind) => fleets.get(kind) as Fleet
    for (const variant of VARIANTS) {
      await runLoad(fleetOf(variant.kind), {
        rate: 1_000,
        seconds: BENCH.warmupEvents / 1_000,
        ack: variant.ack,
      })
    }
    const results = BENCH.rates.map(
      () =>
        ({ ours: [], 'ours-ack': [], socketio: [], ws: [], 'lean-ack': [] }) as Record<
          VariantId,
          LoadResult[]
        >,
    )
    for (let round = 0; round < BENCH.rounds; round++) {
      for (const [i, rate] of BENCH.rates.entries()) {
        const line: string[] = []
        for (const variant of rotate(VARIANTS, round)) {
          const result = await runLoad(fleetOf(variant.kind), {
            rate,
            seconds: BENCH.seconds,
            ack: variant.ack,
          })
          results[i]?.[variant.id].push(result)
          line.push(
            `${variant.id} ${fixed(result.serverMicrosPerEvent, 0)} us/ev p95 ${fixed(result.latency.p95, 1)} ms`,
          )
        }
        log(`  round ${round + 1}, ${rate}/s: ${line.join(' | ')}`)
      }
    }
    return results
  } finally {
    for (const fleet of fleets.values()) fleet.close()
    await Promise.all(servers.map((server) => server.stop()))
  }
}

/** Idle memory at each count; idle CPU too at the largest, where heartbeats cost the most. */
async function memoryRounds(count: number) {
  const largest = Math.max(...BENCH.idleConnections)
  const rounds = count > 1_000 ? BENCH.largeMemoryRounds : BENCH.memoryRounds
  const results = Object.fromEntries(RELAY_KINDS.map((kind) => [kind, []])) as unknown as Record<
    RelayKind,
    MemoryResult[]
  >
  for (let round = 0; round < rounds; round++) {
    const line: string[] = []
    for (const kind of rotate(RELAY_KINDS, round)) {
      const result = await measureIdleMemory(kind, count, {
        idleCpu: count === largest,
      })
      results[kind].push(result)
      const cpu =
        result.idleCpuShare === undefined ? '' : `, idle ${fixed(result.idleCpuShare * 100, 2)}% CPU`
      line.push(
        `${kind} ${fixed(result.heapBytesPerConnection / 1024)} KB heap ${fixed(result.rssBytesPerConnection / 1024)} KB RSS${cpu}`,
      )
    }
    log(`  memory, ${count} connections, round ${round + 1}: ${line.join(' | ')}`)
  }
  return results
}

async function measure() {
  if (!process.env.BENCH_RELAY_ENTRY) throw new Error('run the bench with `pnpm bench` (relay-bench.ts)')
  const load = BENCH.parts.includes('load') ? await loadRounds() : []
  const memory: { connections: number; results: Record<RelayKind, MemoryResult[]> }[] = []
  if (BENCH.parts.includes('memory')) {
    for (const connections of BENCH.idleConnections) {
      memory.push({ connections, results: await memoryRounds(connections) })
    }
  }
  return { load, memory }
}

async function main() {
  const startedAt = Date.now()
  const host = machine()
  const perRoom = 1 + BENCH.receiversPerRoom
  log(
    `keyroom relay bench: ${host.cpuModel}, ${host.cores} cores, Node ${host.node}, load ${host.loadAverage.join(' ')}`,
  )
  log(
    `${BENCH.rooms} rooms of 1 sender + ${BENCH.receiversPerRoom} receivers per relay (${BENCH.rooms * perRoom} connections);`,
  )
  log(
    `payload {v: 2, k: msg, from, to, nonce, ciphertext} like a key event to one receiver, ${PAYLOAD_JSON_BYTES} bytes of JSON.`,
  )
  const raised = Object.entries(RAISED_LIMITS).map(
    ([key, value]) => `${key} ${value} (default ${DEFAULT_CONFIG[key as keyof typeof RAISED_LIMITS]})`,
  )
  log(`ours runs with its limits raised so they do not refuse the load: ${raised.join(', ')}.`)
  log('ours runs from its src transpiled to plain JavaScript (as `tsc` builds dist), not under tsx.')
  log(
    BENCH.parts.includes('load')
      ? `Each relay in its own process; clients in this one. ${BENCH.rounds} interleaved rounds:`
      : `Each relay in its own process; clients in this one. Measuring only: ${BENCH.parts.join(', ')}.`,
  )
  const { load, memory } = await measure()

  const loadSummaries = load.map((rounds, i) => ({
    rate: BENCH.rates[i] as number,
    ...summarizeLoad(rounds),
    rounds,
  }))
  const memorySummaries = memory.map(({ connections, results }) => ({
    connections,
    ...summarizeMemory(results),
    rounds: results,
  }))
  log()
  for (const summary of loadSummaries) {
    log(
      `Offered ${summary.rate} events/s for ${BENCH.seconds} s (${summary.rate * BENCH.receiversPerRoom} deliveries/s); ` +
        `median of ${BENCH.rounds} rounds, ratios are medians of per-round ratios:`,
    )
    log(loadTable(summary))
    log()
  }
  for (const summary of memorySummaries) {
    log(
      `Idle, ${summary.connections} connections in rooms of 3, fresh process, median of ${summary.rounds.ours.length}:`,
    )
    log(memoryTable(summary))
    log()
  }

  const finishedAt = Date.now()
  const file = process.env.BENCH_RESULT_FILE
  if (!file) throw new Error('BENCH_RESULT_FILE is not set')
  writeJson(file, {
    date: new Date(startedAt).toISOString(),
    durationSeconds: Math.round((finishedAt - startedAt) / 1000),
    machine: { ...host, loadAverageAtEnd: machine().loadAverage },
    settings: { ...BENCH, payloadJsonBytes: PAYLOAD_JSON_BYTES, oursRaisedLimits: RAISED_LIMITS },
    variants: VARIANT_LABELS,
    load: loadSummaries,
    memory: memorySummaries,
  })
  log(`${Math.round((finishedAt - startedAt) / 1000)} s on Node ${host.node}`)
}

main().then(
  () => {
    clearTimeout(deadline)
    process.exit(0)
  },
  (error: Error) => {
    log(`bench failed: ${error.stack ?? error.message}`)
    killAllServers()
    process.exit(1)
  },
)
