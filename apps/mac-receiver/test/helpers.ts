import { fileURLToPath } from 'node:url'
import { type DeviceLink, type DeviceMessage, formatDeviceLink } from '@keyroom/room-client'
import {
  type Cleanup,
  type DeviceMember,
  joinAsDevice,
  NODE_FROM_SOURCE,
  type PairedDevice,
  pairDeviceDir,
  parseJsonLine,
  perTest,
  requireBinary,
  spawnApp,
  spawnProcess,
  WORKSPACE_ROOT,
  waitForDevice,
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
 * the root script, `pnpm receiver run …`), with KEYROOM_CONFIG_DIR=`configDir`: a dir paired by test-kit's
 * `pairDeviceDir` or by `keyroom-receiver pair`. Its own process because nut.js reads DISPLAY when it loads, and
 * because signals and stuck keys must be tested on a real process.
 */
export async function spawnReceiver(
  options: {
    /** The receiver's state dir, paired (`pairDeviceDir(relay).configDir`). */
    configDir: string
    driver: 'nut' | 'log'
    name: string
    env?: NodeJS.ProcessEnv
    /** `node`: `node … apps/mac-receiver/src/main.ts` (scripts/start.ts); `pnpm`: `pnpm receiver …`. @default 'node' */
    via?: 'node' | 'pnpm'
  },
  cleanup: Cleanup = perTest,
): Promise<ReceiverProcess> {
  const { configDir } = options
  const args = ['run', '--driver', options.driver, '--name', options.name]
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

/** A receiver's state dir with a room on `relay` and an open pairing window, and a receiver process on it. */
export async function pairedReceiver(
  relay: string,
  options: Omit<Parameters<typeof spawnReceiver>[0], 'configDir'> & { windowSeconds?: number },
  cleanup: Cleanup = perTest,
): Promise<{ paired: PairedDevice; receiver: ReceiverProcess }> {
  const { windowSeconds, ...spawn } = options
  const paired = pairDeviceDir(
    relay,
    { name: options.name, ...(windowSeconds === undefined ? {} : { windowSeconds }) },
    cleanup,
  )
  return { paired, receiver: await spawnReceiver({ ...spawn, configDir: paired.configDir }, cleanup) }
}

/** A keypad that opened the receiver's link inside its window, once the receiver says it is approved. */
export async function approvedKeypad(
  link: DeviceLink,
  receiverName: string,
  name = 'phone',
  cleanup: Cleanup = perTest,
): Promise<DeviceMember> {
  const keypad = await joinAsDevice(link, 'keypad', name, {}, cleanup)
  await waitForDevice(keypad, receiverName, 'approved')
  return keypad
}

/**
 * The receiver's link with a new pairing window, as `keyroom-receiver pair` (no flags) opens one: the next device to
 * open it is approved (the first window's secret is single-use).
 */
export const newWindowLink = (paired: PairedDevice, seconds = 600): DeviceLink => ({
  ...paired.link,
  pairingSecret: paired.store.openWindow(seconds),
})

/** The notices a device heard (refusals, unsupported keys, blocked injection). */
export const noticesOf = (device: { received: DeviceMessage[] }) =>
  device.received.map((m) => m.body).filter((body) => body.type === 'notice')

/** Runs the CLI to completion (pair, status, devices, help…). */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  options: { stdin?: string } = {},
) {
  const cli = spawnProcess(process.execPath, [...NODE_FROM_SOURCE, 'src/main.ts', ...args], {
    cwd: packageDir,
    env,
  })
  if (options.stdin !== undefined) cli.child.stdin.end(options.stdin)
  const code = await cli.exited
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

/**
 * A keypad in its own process, so a test can kill it mid-hold (its socket drops without a bye). It opens `link`
 * (given in its environment, not argv: the link carries the pairing secret) and sends once the receiver approved it.
 */
export function spawnKeypad(
  link: DeviceLink,
  receiverName: string,
  actions: unknown[],
  cleanup: Cleanup = perTest,
) {
  const script = fileURLToPath(new URL('./fixtures/keypad-script.ts', import.meta.url))
  const keypad = spawnProcess(
    process.execPath,
    [...NODE_FROM_SOURCE, script, receiverName, JSON.stringify(actions)],
    { cwd: packageDir, env: { KEYROOM_LINK: formatDeviceLink(link) }, cleanup },
  )
  return {
    child: keypad.child,
    exited: keypad.exited.then(() => undefined),
    /** Resolves once every action was acknowledged by the relay. */
    sent: () => vi.waitFor(() => expect(keypad.stdout()).toContain('sent\n'), { timeout: 10_000 }),
  }
}
