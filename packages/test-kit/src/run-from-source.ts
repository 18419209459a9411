import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { NODE_FROM_SOURCE } from './spawn-process.js'

export interface RunResult {
  /** The exit code (null when it was killed, e.g. past `timeout`). */
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a workspace entry point (a CLI's `src/*.ts`) from its TypeScript source to completion, as the root scripts
 * do; a failing exit is a result, not a rejection. `env` is added to this process's environment.
 */
export function runFromSource(
  entry: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeout?: number } = {},
): Promise<RunResult> {
  return promisify(execFile)(process.execPath, [...NODE_FROM_SOURCE, entry, ...args], {
    timeout: options.timeout ?? 15_000,
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number | null; stdout: string; stderr: string }) => ({
      code: typeof error.code === 'number' ? error.code : null,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  )
}
