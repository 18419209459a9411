import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { onTestFinished, vi } from 'vitest'

export interface XEvent {
  type: string
  /** Pointer position on the root window. */
  root: { x: number; y: number }
  button?: number
  /** When the line reached this process (performance.now()). */
  at: number
}

export interface XPointerSession {
  display: string
  env: Record<string, string>
  /** Every event the full-screen xev window reported so far. */
  events(): XEvent[]
  /** The pointer position as the X server has it (xdotool getmouselocation). */
  pointer(): Promise<{ x: number; y: number }>
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })

/**
 * A private Xvfb (free display from -displayfd) and an `xev -event mouse` window covering the screen, so every
 * button, wheel and motion event the receiver causes is reported by a real X client, with its arrival time.
 * xev also keeps a client connected: Xvfb resets (pointer back to the centre) when its last client leaves.
 */
export async function startXPointerSession(): Promise<XPointerSession> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  const children: ChildProcess[] = [xvfb]
  onTestFinished(async () => {
    for (const child of children.reverse()) await stop(child)
  })
  const number = await new Promise<string>((resolve, reject) => {
    let text = ''
    ;(xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(text.trim())
    })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)))
    setTimeout(() => reject(new Error('Xvfb did not start in 10 s')), 10_000).unref()
  })
  const display = `:${number}`
  const env = { DISPLAY: display }
  // stdbuf: one line at a time, so an event's arrival time is when xev saw it.
  const xev = spawn('stdbuf', ['-oL', 'xev', '-event', 'mouse', '-geometry', '1024x768+0+0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(xev)
  const events: XEvent[] = []
  let pending = ''
  let started = false
  let current: XEvent | undefined
  xev.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now()
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      if (line.startsWith('Outer window is')) started = true
      const head = /^(\w+) event,/.exec(line)
      if (head?.[1]) {
        current = { type: head[1], root: { x: Number.NaN, y: Number.NaN }, at }
        events.push(current)
        continue
      }
      const root = /root:\((-?\d+),(-?\d+)\)/.exec(line)
      if (current && root) current.root = { x: Number(root[1]), y: Number(root[2]) }
      const button = /button (\d+)/.exec(line)
      if (current && button) current.button = Number(button[1])
    }
  })
  await vi.waitFor(
    () => {
      if (!started) throw new Error('xev has not opened its window yet')
    },
    { timeout: 10_000 },
  )
  const run = promisify(execFile)
  return {
    display,
    env,
    events: () => events,
    async pointer() {
      const { stdout } = await run('xdotool', ['getmouselocation'], { env: { ...process.env, ...env } })
      const match = /x:(-?\d+) y:(-?\d+)/.exec(stdout)
      if (!match) throw new Error(`xdotool said ${stdout}`)
      return { x: Number(match[1]), y: Number(match[2]) }
    },
  }
}
