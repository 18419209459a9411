/** What the bench does, in one place. A few knobs can be set from the environment for a quick run. */

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  const value = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`)
  return value
}

function listFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name]
  if (!raw) return fallback
  return raw.split(',').map((part, i) => numberFromEnv(`${name}[${i}]`, Number(part)))
}

/**
 * Our relay's per-connection and per-IP defaults would refuse the bench's load: every client comes from 127.0.0.1,
 * up to `connectBatch` handshakes at once.
 */
export const RAISED_LIMITS = {
  eventsPerSecond: 100_000,
  eventBurst: 100_000,
  maxConnectionsPerIp: 100_000,
  maxSocketsPerIp: 100_000,
  maxPendingHandshakesPerIp: 1_000,
} as const

/** The parts of a runtime's run; `BENCH_PARTS=memory` measures a memory lever without the load rounds. */
export const BENCH_PARTS = ['load', 'memory'] as const
export type BenchPart = (typeof BENCH_PARTS)[number]

function partsFromEnv(): BenchPart[] {
  const raw = process.env.BENCH_PARTS
  if (!raw) return [...BENCH_PARTS]
  const parts = raw.split(',').map((part) => part.trim())
  for (const part of parts) {
    if (!(BENCH_PARTS as readonly string[]).includes(part)) {
      throw new Error(`BENCH_PARTS: "${part}" is not one of ${BENCH_PARTS.join(', ')}`)
    }
  }
  return parts as BenchPart[]
}

export const BENCH = {
  /** What each runtime's run measures: the load rounds, the idle memory and CPU, or both (the default). */
  parts: partsFromEnv(),
  /** Node versions the bench runs on, one after the other: majors installed from the registry, or `current`. */
  nodes: (process.env.BENCH_NODES || '24,26').split(',').map((name) => name.trim()),
  /** Interleaved rounds: every relay runs every phase once per round, in a rotated order. */
  rounds: numberFromEnv('BENCH_ROUNDS', 5),
  /** Rooms of 1 sender + 2 receivers. */
  rooms: numberFromEnv('BENCH_ROOMS', 50),
  receiversPerRoom: 2,
  /** Offered loads, inbound events per second summed over all senders. */
  rates: listFromEnv('BENCH_RATES', [1_000, 3_000]),
  /** How long each load phase sends. */
  seconds: numberFromEnv('BENCH_SECONDS', 2),
  /** How long a phase waits for the last deliveries after the last send. */
  drainMs: 2_000,
  /** Sent before the first round, not recorded: JIT warm-up and lazy allocations. */
  warmupEvents: 2_000,
  /** Idle connections per memory sample: each count is measured in its own fresh relay process. */
  idleConnections: listFromEnv('BENCH_IDLE', [1_000, 10_000]),
  /** Rounds per memory sample; counts above 1,000 take one round (10,000 connections take a while to open). */
  memoryRounds: numberFromEnv('BENCH_MEMORY_ROUNDS', 2),
  largeMemoryRounds: numberFromEnv('BENCH_LARGE_MEMORY_ROUNDS', 1),
  /** Connections opened at once while filling a relay. */
  connectBatch: 100,
  connectTimeoutMs: 10_000,
  /** One runtime's run is killed past this. */
  deadlineMs: 12 * 60_000,
} as const
