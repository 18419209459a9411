import type { LoadResult } from './load.js'
import type { MemoryResult } from './memory.js'
import { fixed, table, times } from './report.js'
import type { RelayKind } from './server-process.js'
import { median, pairedRatio } from './stats.js'

export type VariantId = 'ours' | 'ours-ack' | 'socketio' | 'ws' | 'lean-ack'

export const VARIANT_LABELS: Record<VariantId, string> = {
  ours: 'ours (keyroom relay)',
  'ours-ack': 'ours, acks on',
  socketio: 'plain Socket.IO',
  ws: 'raw ws',
  'lean-ack': 'lean wire, acks on',
}
/** Memory is measured per relay, not per variant: the lean prototype's row has no acks to speak of. */
const KIND_LABELS: Record<RelayKind, string> = {
  ours: VARIANT_LABELS.ours,
  socketio: VARIANT_LABELS.socketio,
  ws: VARIANT_LABELS.ws,
  lean: 'lean wire (prototype)',
}

/** The load numbers compared: medians per relay and ratios between relays. */
const LOAD_METRICS = {
  deliveredPerSecond: (r: LoadResult) => r.deliveredPerSecond,
  deliveredShare: (r: LoadResult) => r.delivered / r.expected,
  p50Ms: (r: LoadResult) => r.latency.p50,
  p95Ms: (r: LoadResult) => r.latency.p95,
  p99Ms: (r: LoadResult) => r.latency.p99,
  serverMicrosPerEvent: (r: LoadResult) => r.serverMicrosPerEvent,
  serverSystemMicrosPerEvent: (r: LoadResult) => r.serverSystemMicrosPerEvent,
  clientMicrosPerEvent: (r: LoadResult) => r.clientMicrosPerEvent,
} as const
type LoadMetric = keyof typeof LOAD_METRICS
type Numbers<K extends string> = Record<K, number>

const LOAD_RATIOS: [string, VariantId, VariantId][] = [
  // The goal: what every keypad pays (acks on) against the plain relay doing less (no acks).
  ['ours acks on / plain Socket.IO', 'ours-ack', 'socketio'],
  ['ours / plain Socket.IO', 'ours', 'socketio'],
  ['ours / raw ws', 'ours', 'ws'],
  ['ours acks on / off', 'ours-ack', 'ours'],
  ['lean wire acks on / plain Socket.IO', 'lean-ack', 'socketio'],
]

function mapMetrics<K extends string, T>(
  metrics: Record<K, (r: T) => number>,
  pick: (f: (r: T) => number) => number,
) {
  return Object.fromEntries(
    Object.entries<(r: T) => number>(metrics).map(([k, f]) => [k, pick(f)]),
  ) as Numbers<K>
}

/** Medians over rounds per variant, and paired per-round ratios, for one offered rate. */
export function summarizeLoad(results: Record<VariantId, LoadResult[]>) {
  const medians = Object.fromEntries(
    Object.entries<LoadResult[]>(results).map(([id, rounds]) => [
      id,
      mapMetrics(LOAD_METRICS, (f) => median(rounds.map(f))),
    ]),
  ) as Record<VariantId, Numbers<LoadMetric>>
  const ratios = Object.fromEntries(
    LOAD_RATIOS.map(([name, a, b]) => [
      name,
      mapMetrics(LOAD_METRICS, (f) => pairedRatio(results[a].map(f), results[b].map(f))),
    ]),
  ) as Record<string, Numbers<LoadMetric>>
  return { medians, ratios }
}

export function loadTable(summary: ReturnType<typeof summarizeLoad>): string {
  const header = [
    '',
    'delivered/s',
    'delivered',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'server us/ev',
    'of it kernel',
    'clients us/ev',
  ]
  const row = (m: Numbers<LoadMetric>) => [
    fixed(m.deliveredPerSecond, 0),
    `${fixed(m.deliveredShare * 100, 1)}%`,
    fixed(m.p50Ms, 2),
    fixed(m.p95Ms, 2),
    fixed(m.p99Ms, 2),
    fixed(m.serverMicrosPerEvent, 0),
    fixed(m.serverSystemMicrosPerEvent, 0),
    fixed(m.clientMicrosPerEvent, 0),
  ]
  const ratioRow = (m: Numbers<LoadMetric>) => [
    times(m.deliveredPerSecond),
    times(m.deliveredShare),
    times(m.p50Ms),
    times(m.p95Ms),
    times(m.p99Ms),
    times(m.serverMicrosPerEvent),
    times(m.serverSystemMicrosPerEvent),
    times(m.clientMicrosPerEvent),
  ]
  return table(header, [
    ...Object.entries(summary.medians).map(([id, m]) => [VARIANT_LABELS[id as VariantId], ...row(m)]),
    ...Object.entries(summary.ratios).map(([name, m]) => [name, ...ratioRow(m)]),
  ])
}

const MEMORY_METRICS = {
  heapBytesPerConnection: (r: MemoryResult) => r.heapBytesPerConnection,
  rssBytesPerConnection: (r: MemoryResult) => r.rssBytesPerConnection,
  idleCpuShare: (r: MemoryResult) => r.idleCpuShare ?? Number.NaN,
} as const
type MemoryMetric = keyof typeof MEMORY_METRICS

export function summarizeMemory(results: Record<RelayKind, MemoryResult[]>) {
  const medians = Object.fromEntries(
    Object.entries<MemoryResult[]>(results).map(([kind, rounds]) => [
      kind,
      mapMetrics(MEMORY_METRICS, (f) => median(rounds.map(f))),
    ]),
  ) as Record<RelayKind, Numbers<MemoryMetric>>
  const ratios = {
    'ours / plain Socket.IO': mapMetrics(MEMORY_METRICS, (f) =>
      pairedRatio(results.ours.map(f), results.socketio.map(f)),
    ),
    'ours / raw ws': mapMetrics(MEMORY_METRICS, (f) => pairedRatio(results.ours.map(f), results.ws.map(f))),
    'lean wire / plain Socket.IO': mapMetrics(MEMORY_METRICS, (f) =>
      pairedRatio(results.lean.map(f), results.socketio.map(f)),
    ),
  }
  return { medians, ratios }
}

export function memoryTable(summary: ReturnType<typeof summarizeMemory>): string {
  const kb = (bytes: number) => fixed(bytes / 1024, 1)
  const share = (value: number) => (Number.isFinite(value) ? `${fixed(value * 100, 2)}%` : '-')
  return table(
    ['', 'heap KB/conn', 'RSS KB/conn', 'idle CPU, share of a core'],
    [
      ...Object.entries(summary.medians).map(([kind, m]) => [
        KIND_LABELS[kind as RelayKind],
        kb(m.heapBytesPerConnection),
        kb(m.rssBytesPerConnection),
        share(m.idleCpuShare),
      ]),
      ...Object.entries(summary.ratios).map(([name, m]) => [
        name,
        times(m.heapBytesPerConnection),
        times(m.rssBytesPerConnection),
        times(m.idleCpuShare),
      ]),
    ],
  )
}

/** One runtime's results as run-runtime.ts writes them. */
export interface RuntimeResult {
  machine: { node: string; cpuModel: string; cores: number; loadAverage: number[] }
  load: (ReturnType<typeof summarizeLoad> & { rate: number })[]
  memory: (ReturnType<typeof summarizeMemory> & { connections: number })[]
}

/** Whose goal row: keyroom's relay, or the lean wire prototype (the measured next step). */
const SUBJECTS = [
  { label: 'ours', kind: 'ours', load: 'ours acks on / plain Socket.IO', memory: 'ours / plain Socket.IO' },
  {
    label: 'lean wire',
    kind: 'lean',
    load: 'lean wire acks on / plain Socket.IO',
    memory: 'lean wire / plain Socket.IO',
  },
] as const

/** The goals, one row per runtime and relay: every figure is x / plain Socket.IO, the goal in the header. */
export function goalTable(runs: readonly RuntimeResult[]): string {
  const rates = runs[0]?.load.map((l) => l.rate) ?? []
  const counts = runs[0]?.memory.map((m) => m.connections) ?? []
  const largest = Math.max(...counts)
  const percent = (share: number | undefined) =>
    share !== undefined && Number.isFinite(share) ? `${fixed(share * 100, 2)}%` : '-'
  const header = [
    'Node, relay',
    ...rates.map((rate) => `CPU/ev acks on @${rate}/s (<=0.80)`),
    ...counts.flatMap((count) => [`heap/conn @${count} (<=0.75)`, `RSS/conn @${count} (<=0.75)`]),
    `idle CPU @${counts.length ? largest : '-'} (<=1.00)`,
    ...rates.map((rate) => `p99 acks on @${rate}/s (<=1.00)`),
    'delivered',
  ]
  const rows = runs.flatMap((run) =>
    SUBJECTS.map((subject) => {
      const load = (rate: number) => run.load.find((l) => l.rate === rate)?.ratios[subject.load]
      const memory = (count: number) => run.memory.find((m) => m.connections === count)
      const idle = memory(largest)
      const variant = subject.kind === 'ours' ? 'ours-ack' : 'lean-ack'
      const delivered = run.load.length
        ? Math.min(...run.load.map((l) => l.medians[variant].deliveredShare))
        : Number.NaN
      return [
        `${run.machine.node}, ${subject.label}`,
        ...rates.map((rate) => times(load(rate)?.serverMicrosPerEvent ?? Number.NaN)),
        ...counts.flatMap((count) => [
          times(memory(count)?.ratios[subject.memory]?.heapBytesPerConnection ?? Number.NaN),
          times(memory(count)?.ratios[subject.memory]?.rssBytesPerConnection ?? Number.NaN),
        ]),
        `${times(idle?.ratios[subject.memory]?.idleCpuShare ?? Number.NaN)} (${percent(idle?.medians[subject.kind].idleCpuShare)} vs ${percent(idle?.medians.socketio.idleCpuShare)})`,
        ...rates.map((rate) => times(load(rate)?.p99Ms ?? Number.NaN)),
        Number.isFinite(delivered) ? `${fixed(delivered * 100, 1)}%` : '-',
      ]
    }),
  )
  return table(header, rows)
}
