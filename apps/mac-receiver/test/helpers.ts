import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { KEYROOM_EVENT, RelayEvent, type Role } from '@keyroom/key-events'
import { startRelay } from '@keyroom/relay'
import {
  type ConnectRoomOptions,
  connectRoom,
  formatPairingLink,
  type Rejection,
  type RoomConnection,
  type RoomLink,
  type VerifiedMessage,
} from '@keyroom/room-client'
import { NODE_FROM_SOURCE, spawnProcess } from '@keyroom/test-kit'
import { io } from 'socket.io-client'
import { expect, onTestFinished, vi } from 'vitest'
import { requireBinary } from './binaries.js'
import { tempDir } from './temp-dir.js'

export { tempDir }

export const packageDir = fileURLToPath(new URL('..', import.meta.url))

type Cleanup = (fn: () => unknown) => void
const perTest: Cleanup = (fn) => onTestFinished(async () => void (await fn()))

/** A real relay on 127.0.0.1, port 0. */
export async function relay(cleanup: Cleanup = perTest) {
  const started = await startRelay({})
  cleanup(() => started.close())
  return started
}

export type Member = RoomConnection & { received: VerifiedMessage[]; rejected: Rejection[] }

/** A connected room-client that records what it hears. */
export async function joinRoom(
  link: RoomLink,
  role: Role,
  name: string,
  extra: Partial<ConnectRoomOptions> = {},
  cleanup: Cleanup = perTest,
): Promise<Member> {
  const room = connectRoom({ link, role, name, ...extra })
  const received: VerifiedMessage[] = []
  const rejected: Rejection[] = []
  room.on('message', (m) => received.push(m))
  room.on('reject', (r) => rejected.push(r))
  cleanup(() => room.close())
  await vi.waitFor(() => expect(room.state).toBe('connected'))
  return Object.assign(room, { received, rejected })
}

/** Waits until `room` has verified a peer with this name (both sides answered each other's challenge). */
export async function waitForPeer(room: RoomConnection, name: string, timeout = 10_000): Promise<void> {
  await vi.waitFor(() => expect(room.peers().map((p) => p.name)).toContain(name), { timeout })
}

export const notices = (member: Member) =>
  member.received.map((m) => m.body).filter((body) => body.type === 'notice')

export interface ReceiverProcess {
  child: ChildProcess
  /** stdout, one parsed JSON object per line (the log driver's output). */
  lines: unknown[]
  /** stdout lines that are not JSON (pnpm's script header). */
  otherOutput: string[]
  /** stderr: pino's JSON log lines, parsed (non-JSON lines kept as { raw }). */
  logs: Array<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends a signal as a terminal's Ctrl+C would: to the whole process group (pnpm and the receiver under it). */
  signal(name: NodeJS.Signals): void
}

export const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url))

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
  const configDir = options.configDir ?? (await tempDir(cleanup))
  const args = [
    'run',
    ...(options.link ? ['--link', formatPairingLink(options.link)] : []),
    '--driver',
    options.driver,
    '--name',
    options.name,
  ]
  const [command, argv] =
    options.via === 'pnpm'
      ? [requireBinary('pnpm'), ['receiver', ...args]]
      : [process.execPath, [...NODE_FROM_SOURCE, 'apps/mac-receiver/src/main.ts', ...args]]
  const child = spawn(command, argv, {
    cwd: workspaceRoot,
    env: { ...process.env, ...options.env, KEYROOM_CONFIG_DIR: configDir, LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const lines: unknown[] = []
  const otherOutput: string[] = []
  const logs: Array<Record<string, unknown>> = []
  const splitLines = (stream: NodeJS.ReadableStream | null, sink: (line: string) => void) => {
    let buffer = ''
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const parts = buffer.split('\n')
      buffer = parts.pop() ?? ''
      for (const part of parts) if (part.trim()) sink(part)
    })
  }
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line)
    } catch {
      return undefined
    }
  }
  splitLines(child.stdout, (line) => {
    const value = parse(line)
    if (value === undefined) otherOutput.push(line)
    else lines.push(value)
  })
  splitLines(child.stderr, (line) => logs.push((parse(line) as Record<string, unknown>) ?? { raw: line }))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, name)
    } catch {
      // the group is gone already
    }
  }
  cleanup(async () => {
    signal('SIGKILL')
    await exited
  })
  return { child, lines, otherOutput, logs, exited, signal }
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
  const child = spawn(
    process.execPath,
    [...NODE_FROM_SOURCE, script, formatPairingLink(link), receiverName, JSON.stringify(actions)],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  cleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  return {
    child,
    exited,
    /** Resolves once every action was acknowledged by the relay. */
    sent: () => vi.waitFor(() => expect(out).toContain('sent\n'), { timeout: 10_000 }),
  }
}

/**
 * Someone who knows the room id (the relay sees it) but not the room key: a plain socket.io client in the room that
 * records what it hears and can broadcast anything.
 */
export async function joinAsIntruder(relayUrl: string, room: string, cleanup: Cleanup = perTest) {
  const socket = io(relayUrl, { transports: ['websocket'] })
  cleanup(() => socket.disconnect())
  const captured: unknown[] = []
  socket.on(KEYROOM_EVENT, (payload: unknown) => captured.push(payload))
  await new Promise((resolve) => socket.emit(RelayEvent.joinRoom, room, resolve))
  return {
    /** Sealed payloads the others sent, as the relay passed them on. */
    captured,
    broadcast: (payload: unknown) =>
      new Promise((resolve) =>
        socket.emit(RelayEvent.broadcast, { roomName: room, eventName: KEYROOM_EVENT, payload }, resolve),
      ),
  }
}
