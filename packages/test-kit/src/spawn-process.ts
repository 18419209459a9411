import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { type Cleanup, perTest } from './cleanup.js'

export { NODE_FROM_SOURCE } from './from-source.js'

export interface Spawned {
  child: ChildProcessWithoutNullStreams
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  /** Resolves with how it ended: its exit code, or the signal that killed it. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stdout(): string
  stderr(): string
  /** The complete lines written so far (blank ones included), stdout by default. */
  lines(stream?: 'stdout' | 'stderr'): string[]
  /** Every stdout line that is a JSON object, parsed. */
  jsonLines(): Record<string, unknown>[]
  /** Sends a signal to the process, or, when spawned `detached`, to its whole group as a terminal's Ctrl+C does. */
  signal(name: NodeJS.Signals): void
}

/** A line of output as a JSON object, or undefined when it is not one (a script header, a printed link). */
export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/**
 * Starts a process whose output the test reads, killed (SIGKILL, its group when `detached`) when the test finishes
 * or by `cleanup`. `env` is added to this process's environment.
 */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: {
    env?: Record<string, string | undefined>
    cwd?: string
    detached?: boolean
    cleanup?: Cleanup
  } = {},
): Spawned {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.detached ? { detached: true } : {}),
    stdio: 'pipe',
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const running = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null
  const signal = (name: NodeJS.Signals) => {
    try {
      if (options.detached && child.pid) process.kill(-child.pid, name)
      else child.kill(name)
    } catch {
      // the process (group) is gone already
    }
  }
  ;(options.cleanup ?? perTest)(async () => {
    // A detached group may outlive its leader (pnpm and the receiver under it): always signal the group.
    if (!options.detached && !running()) return
    const wasRunning = running()
    signal('SIGKILL')
    if (wasRunning) await ended
  })
  const completeLines = (text: string) => text.split('\n').slice(0, -1)
  return {
    child,
    exited: ended.then(({ code }) => code),
    ended,
    stdout: () => stdout,
    stderr: () => stderr,
    lines: (stream = 'stdout') => completeLines(stream === 'stdout' ? stdout : stderr),
    jsonLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    signal,
  }
}
