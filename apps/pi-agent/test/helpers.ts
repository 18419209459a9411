import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseJsonLine, spawnProcess, tempDir } from '@keyroom/test-kit'

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
  return file
}

export interface AgentProcess {
  child: ReturnType<typeof spawnProcess>['child']
  /** stdout lines, parsed (the sim driver's pin changes); a line that is not JSON is kept as { text }. */
  readonly lines: Record<string, unknown>[]
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts a command (the CLI, possibly inside `unshare`) in the app's folder; killed when the test ends. */
export function spawnAgent(command: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const [file, ...args] = command
  // Its own config dir (the engaged-output record lives there): one test's leftovers never reach another's agent.
  const config = { KEYROOM_CONFIG_DIR: tempDir('keyroom-pi-config-') }
  const spawned = spawnProcess(file!, args, { cwd: APP_DIR, env: { LOG_LEVEL: 'debug', ...config, ...env } })
  return {
    child: spawned.child,
    get lines() {
      return spawned.lines().map((line) => parseJsonLine(line) ?? { text: line })
    },
    stderr: spawned.stderr,
    exited: spawned.ended,
  }
}
