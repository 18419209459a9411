import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DeviceLink } from '@keyroom/room-client'
import {
  type DeviceMember,
  joinAsDevice,
  type PairedDevice,
  pairDeviceDir,
  parseJsonLine,
  spawnProcess,
  tempDir,
  waitForDevice,
} from '@keyroom/test-kit'

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

/**
 * Starts a command (the CLI, possibly inside `unshare`) in the app's folder; killed when the test ends. It gets a
 * config dir of its own unless `env` names one (a paired dir, see `pairAgent`): one test's leftovers never reach
 * another's agent.
 */
export function spawnAgent(command: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const [file, ...args] = command
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

/** The agent's state dir as `keyroom-pi pair --relay` leaves it, and the env that points `run` at it. */
export function pairAgent(
  relay: string,
  options: { name?: string; room?: string; windowSeconds?: number } = {},
): PairedDevice & { env: { KEYROOM_CONFIG_DIR: string } } {
  const paired = pairDeviceDir(relay, options)
  return { ...paired, env: { KEYROOM_CONFIG_DIR: paired.configDir } }
}

/** A keypad that opened the agent's link inside its pairing window, once the agent says it is approved. */
export async function approvedKeypad(
  link: DeviceLink,
  agentName: string,
  name = 'phone',
): Promise<DeviceMember> {
  const keypad = await joinAsDevice(link, 'keypad', name)
  await waitForDevice(keypad, agentName, 'approved')
  return keypad
}

/** A new pairing window in the agent's store (as `keyroom-pi pair` with no flags): the link for one more keypad. */
export function nextLink(paired: PairedDevice, windowSeconds = 600): DeviceLink {
  return { ...paired.link, pairingSecret: paired.store.openWindow(windowSeconds) }
}
