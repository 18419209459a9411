import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Role } from '@keyroom/key-events'
import { connectRoom, type RoomConnection, type RoomLink, type VerifiedMessage } from '@keyroom/room-client'
import { onTestFinished, vi } from 'vitest'

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
/** How the CLI runs from source (the root script's `dev`). */
export const NODE_FROM_SOURCE = [process.execPath, '--conditions=@keyroom/source', '--import', 'tsx']

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
  return file
}

/** A connected room client that records what it hears, closed when the test ends. */
export async function joinRoom(link: RoomLink, role: Role, name: string) {
  const room = connectRoom({ link, role, name })
  const received: VerifiedMessage[] = []
  room.on('message', (m) => received.push(m))
  onTestFinished(() => room.close())
  await vi.waitFor(() => {
    if (room.state !== 'connected') throw new Error(`still ${room.state}`)
  })
  return Object.assign(room, { received })
}

/** Waits until `room` has verified a peer with this name (the challenge handshake is done both ways). */
export async function waitForPeer(room: RoomConnection, name: string, timeout = 15_000) {
  await vi.waitFor(
    () => {
      const peer = room.peers().find((p) => p.name === name)
      if (!peer) throw new Error(`${name} not in the room yet`)
      return peer
    },
    { timeout, interval: 50 },
  )
  return room.peers().find((p) => p.name === name)!
}

export interface AgentProcess {
  child: ChildProcessWithoutNullStreams
  /** Parsed JSON lines from stdout (the sim driver's pin changes). */
  lines: Record<string, unknown>[]
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts a command (the CLI, possibly inside `unshare`) and collects its output; killed when the test ends. */
export function spawnAgent(command: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const [file, ...args] = command
  const child = spawn(file!, args, { cwd: APP_DIR, env: { ...process.env, LOG_LEVEL: 'debug', ...env } })
  const lines: Record<string, unknown>[] = []
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    const parts = stdout.split('\n')
    stdout = parts.pop() ?? ''
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>)
      } catch {
        lines.push({ text: part })
      }
    }
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return { child, lines, stderr: () => stderr, exited }
}
