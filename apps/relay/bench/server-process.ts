import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, ParentRequest, ServerStats } from './servers/harness.js'

export type RelayKind = 'ours' | 'socketio' | 'ws' | 'lean'

export const RELAY_KINDS: readonly RelayKind[] = ['ours', 'socketio', 'ws', 'lean']

const SERVER_FILES: Record<RelayKind, string> = {
  ours: 'servers/ours.ts',
  socketio: 'servers/socketio.ts',
  ws: 'servers/raw-ws.ts',
  lean: 'servers/lean-wire.ts',
}

const START_TIMEOUT_MS = 30_000
const REQUEST_TIMEOUT_MS = 10_000

/** One relay in its own process, so its CPU and memory are its own. */
export interface ServerProcess {
  kind: RelayKind
  url: string
  /** How often the server pings an idle connection; undefined when it does not. */
  heartbeatMs: number | undefined
  /** Readings from inside the server; `gc` collects garbage first (for memory). */
  stats(options?: { gc?: boolean }): Promise<ServerStats>
  stop(): Promise<void>
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const running = new Set<ChildProcess>()

/** Kills every server still running; for the bench's deadline and error paths. */
export function killAllServers(): void {
  for (const child of running) child.kill('SIGKILL')
}

export async function startServer(kind: RelayKind): Promise<ServerProcess> {
  const file = fileURLToPath(new URL(SERVER_FILES[kind], import.meta.url))
  // The parent runs with tsx and the source condition; the child inherits both and may force a GC.
  // BENCH_CPU_PROF=<dir>: every server writes a V8 CPU profile there when it stops (see profile-summary.ts).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : []
  const child = fork(file, [], {
    execArgv: [...process.execArgv, '--expose-gc', ...profile],
    stdio: 'inherit',
  })
  running.add(child)
  child.once('exit', () => running.delete(child))

  const { port, heartbeatMs } = await withTimeout(
    new Promise<{ port: number; heartbeatMs: number | undefined }>((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') resolve(message)
        if (message.type === 'failed') reject(new Error(`${kind} server failed to start: ${message.message}`))
      })
      child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before it listened`)))
    }),
    START_TIMEOUT_MS,
    `starting the ${kind} server`,
  )

  let nextId = 0
  const pending = new Map<number, (stats: ServerStats) => void>()
  child.on('message', (message: ChildMessage) => {
    if (message.type !== 'stats') return
    pending.get(message.id)?.(message.stats)
    pending.delete(message.id)
  })
  const request = (message: ParentRequest) => child.send(message)

  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    heartbeatMs,
    stats: ({ gc = false } = {}) => {
      const id = nextId++
      const answer = new Promise<ServerStats>((resolve) => pending.set(id, resolve))
      request({ type: 'stats', id, gc })
      return withTimeout(answer, REQUEST_TIMEOUT_MS, `stats from the ${kind} server`)
    },
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      request({ type: 'stop' })
      await withTimeout(exited, REQUEST_TIMEOUT_MS, `stopping the ${kind} server`).catch(() => {
        child.kill('SIGKILL')
      })
    },
  }
}
