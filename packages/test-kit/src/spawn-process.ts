import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { onTestFinished } from 'vitest'

/** Node's arguments to run a workspace entry point from its TypeScript source, as the root scripts do. */
export const NODE_FROM_SOURCE: readonly string[] = ['--conditions=@keyroom/source', '--import', 'tsx']

export interface Spawned {
  child: ChildProcessWithoutNullStreams
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  stdout(): string
  stderr(): string
  /** Every stdout line that is a JSON object, parsed. */
  jsonLines(): Record<string, unknown>[]
}

/**
 * Starts a process whose output the test reads, killed (SIGKILL) when the test finishes.
 * `env` is added to this process's environment.
 */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Spawned {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: 'pipe',
  })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    jsonLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
