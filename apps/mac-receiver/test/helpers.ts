import { fileURLToPath } from 'node:url'
import { formatPairingLink, type RoomLink } from '@keyroom/room-client'
import {
  type Cleanup,
  NODE_FROM_SOURCE,
  parseJsonLine,
  perTest,
  requireBinary,
  spawnApp,
  spawnProcess,
  tempDir,
  WORKSPACE_ROOT,
} from '@keyroom/test-kit'
import { expect, vi } from 'vitest'

export const packageDir = fileURLToPath(new URL('..', import.meta.url))

export interface ReceiverProcess {
  child: ReturnType<typeof spawnProcess>['child']
  /** stdout, one parsed JSON object per line (the log driver's output). */
  readonly lines: unknown[]
  /** stdout lines that are not JSON (pnpm's script header). */
  readonly otherOutput: string[]
  /** stderr: pino's JSON log lines, parsed (non-JSON lines kept as { raw }). */
  readonly logs: Array<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends a signal as a terminal's Ctrl+C would: to the whole process group (pnpm and the receiver under it). */
  signal(name: NodeJS.Signals): void
}

const nonBlank = (lines: string[]) => lines.filter((line) => line.trim())

/**
 * `keyroom-receiver run` from source in its own process group, exactly as `scripts/start.ts` starts it (or through
 * the root script, `pnpm receiver run …`). Its own process because nut.js reads DISPLAY when it loads, and because
 * signals and stuck keys must be tested on a real process.
 */
export async function spawnReceiver(
  options: {
    /** Passed as --link; without it the receiver runs with the pairing stored in `configDir`. */
    link?: RoomLink
    driver: 'nut' | 'log'
    name: string
    env?: NodeJS.ProcessEnv
    configDir?: string
    /** `node`: `node … apps/mac-receiver/src/main.ts` (scripts/start.ts); `pnpm`: `pnpm receiver …`. @default 'node' */
    via?: 'node' | 'pnpm'
  },
  cleanup: Cleanup = perTest,
): Promise<ReceiverProcess> {
  const configDir = options.configDir ?? tempDir('keyroom-receiver-', cleanup)
  const args = [
    'run',
    ...(options.link ? ['--link', formatPairingLink(options.link)] : []),
    '--driver',
    options.driver,
    '--name',
    options.name,
  ]
  const env = { ...options.env, KEYROOM_CONFIG_DIR: configDir, LOG_LEVEL: 'debug' }
  const spawned =
    options.via === 'pnpm'
      ? spawnProcess(requireBinary('pnpm'), ['receiver', ...args], {
          cwd: WORKSPACE_ROOT,
          env,
          detached: true,
          cleanup,
        })
      : spawnApp('apps/mac-receiver/src/main.ts', args, { env, configDir, detached: true, cleanup })
  return {
    child: spawned.child,
    get lines() {
      return nonBlank(spawned.lines()).flatMap((line) => parseJsonLine(line) ?? [])
    },
    get otherOutput() {
      return nonBlank(spawned.lines()).filter((line) => parseJsonLine(line) === undefined)
    },
    get logs() {
      return nonBlank(spawned.lines('stderr')).map((line) => parseJsonLine(line) ?? { raw: line })
    },
    exited: spawned.ended,
    signal: spawned.signal,
  }
}

/** Runs the CLI to completion (pair, status, help…). */
export async function runCli(args: string[], env: Record<string, string | undefined>) {
  const cli = spawnProcess(process.execPath, [...NODE_FROM_SOURCE, 'src/main.ts', ...args], {
    cwd: packageDir,
    env,
  })
  const code = await cli.exited
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

/** A keypad in its own process, so a test can kill it mid-hold (its socket drops without a bye). */
export function spawnKeypad(
  link: RoomLink,
  receiverName: string,
  actions: unknown[],
  cleanup: Cleanup = perTest,
) {
  const script = fileURLToPath(new URL('./fixtures/keypad-script.ts', import.meta.url))
  const keypad = spawnProcess(
    process.execPath,
    [...NODE_FROM_SOURCE, script, formatPairingLink(link), receiverName, JSON.stringify(actions)],
    { cwd: packageDir, cleanup },
  )
  return {
    child: keypad.child,
    exited: keypad.exited.then(() => undefined),
    /** Resolves once every action was acknowledged by the relay. */
    sent: () => vi.waitFor(() => expect(keypad.stdout()).toContain('sent\n'), { timeout: 10_000 }),
  }
}
