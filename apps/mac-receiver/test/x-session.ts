import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBinaries } from '@keyroom/test-kit'
import { onTestFinished, vi } from 'vitest'

/** Fails loudly (never skips) when the X tools are missing: CI installs them (scripts/ensure-test-deps.sh). */
const requireXTools = () =>
  requireBinaries(
    ['Xvfb', 'xterm', 'xdotool'],
    'apt-get install -y --no-install-recommends xvfb xterm xdotool x11-utils libxtst6',
  )

const run = (file: string, args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) =>
    execFile(file, args, { env, timeout: 10_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  )

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })

export interface XSession {
  /** `:N`, for DISPLAY. */
  display: string
  env: NodeJS.ProcessEnv
  /** Everything the focused terminal received so far, byte for byte (raw mode: Enter is \r, Ctrl+C is \x03). */
  read(): Promise<string>
  /** Waits until the terminal received exactly `expected` after the first `from` bytes. */
  waitFor(expected: string, options?: { from?: number; timeout?: number }): Promise<void>
}

/**
 * A private X server (Xvfb on a free display number) with a focused xterm that writes every byte it receives to a
 * file, in raw mode so control keys arrive as they are. Everything stops when the test (or file) finishes.
 */
export async function startXSession(
  options: {
    cleanup?: (fn: () => Promise<void>) => void
    /** xterm in UTF-8 mode (`-u8`), read back as UTF-8: for text beyond Latin-1. */
    utf8?: boolean
  } = {},
): Promise<XSession> {
  requireXTools()
  const cleanup = options.cleanup ?? ((fn) => onTestFinished(fn))
  const dir = await mkdtemp(join(tmpdir(), 'keyroom-x-'))
  const out = join(dir, 'typed.bin')

  // -displayfd: Xvfb picks a free display number itself and writes it to fd 3.
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  let xvfbErr = ''
  xvfb.stderr?.on('data', (chunk: Buffer) => {
    xvfbErr += chunk.toString()
  })
  const children: ChildProcess[] = [xvfb]
  cleanup(async () => {
    for (const child of children.reverse()) await stopped(child)
    await rm(dir, { recursive: true, force: true })
  })
  const number = await new Promise<string>((resolve, reject) => {
    let text = ''
    const fd3 = xvfb.stdio[3] as NodeJS.ReadableStream
    fd3.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(text.trim())
    })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${xvfbErr}`)))
    setTimeout(() => reject(new Error(`Xvfb did not start in 10 s: ${xvfbErr}`)), 10_000).unref()
  })
  const display = `:${number}`
  const env = { ...process.env, DISPLAY: display }

  const xterm = spawn(
    'xterm',
    [...(options.utf8 ? ['-u8'] : []), '-e', 'sh', '-c', `stty raw -echo; exec cat > '${out}'`],
    {
      env: options.utf8 ? { ...env, LC_ALL: 'C.UTF-8' } : env,
      stdio: 'ignore',
    },
  )
  children.push(xterm)
  // --onlyvisible: xterm has windows that are never mapped, and focusing one fails with BadMatch.
  const windows = await run('xdotool', ['search', '--sync', '--onlyvisible', '--pid', String(xterm.pid)], env)
  const window = windows.trim().split('\n')[0]
  if (!window) throw new Error('xterm opened no window')
  // Mapped is not always viewable yet under load: retry a few times, then fail with xdotool's error.
  await vi.waitFor(() => run('xdotool', ['windowfocus', '--sync', window], env), {
    timeout: 10_000,
    interval: 100,
  })
  // The file appears once the shell has put the terminal in raw mode and started cat.
  await vi.waitFor(
    () => {
      if (!existsSync(out)) throw new Error('xterm did not start its shell within 10 s')
    },
    { timeout: 10_000, interval: 20 },
  )

  const read = () => readFile(out, options.utf8 ? 'utf8' : 'latin1')
  return {
    display,
    env,
    read,
    async waitFor(expected, { from = 0, timeout = 5_000 } = {}) {
      await vi.waitFor(
        async () => {
          const got = (await read()).slice(from)
          if (got !== expected)
            throw new Error(`terminal has ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`)
        },
        { timeout, interval: 20 },
      )
    },
  }
}
