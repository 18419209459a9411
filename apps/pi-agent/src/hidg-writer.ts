import { closeSync, constants, openSync, writeSync } from 'node:fs'
import type { Logger } from 'pino'

/** TinyPilot's figure: a HID write that has not gone through in half a second will not. */
export const HID_WRITE_TIMEOUT_MS = 500
/** How often a write that got EAGAIN is tried again. The gadget takes a report per host poll (1 ms at high speed). */
const RETRY_MS = 2
/** How often a stalled device (timed out, missing, failing) is tried again with the newest report. */
const STALLED_RETRY_MS = 250

export interface HidgWriterOptions {
  /** `/dev/hidgN` (or a FIFO in tests). */
  path: string
  logger: Logger
  /** @default HID_WRITE_TIMEOUT_MS */
  timeoutMs?: number
  /** Called once when writes stop going through (timeout or error), so the room can be told. */
  onStall?: (problem: string) => void
}

export interface HidgWriter {
  /** Queues one report; returns at once. Reports go out in order, one write each. */
  write(report: Buffer): void
  /** Resolves when every queued report is written or the device stalls; never waits longer than the timeout. */
  drained(): Promise<void>
  /** True while reports are not going through. */
  stalled(): boolean
  close(): void
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN'

/**
 * Writes reports to a HID gadget device without ever blocking: the device is opened O_NONBLOCK, so a report the host
 * has not collected yet (the target asleep, the cable out) makes write(2) return EAGAIN (f_hid.c, `f_hidg_write`)
 * instead of hanging. Such a write is retried until the timeout, then reported; from then on only the newest report
 * is kept (each report is the whole state of its function) and retried slowly until the host takes it again.
 */
export function createHidgWriter(options: HidgWriterOptions): HidgWriter {
  const { path, logger } = options
  const timeoutMs = options.timeoutMs ?? HID_WRITE_TIMEOUT_MS
  let fd: number | undefined
  let queue: Buffer[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let since: number | undefined
  let problem: string | undefined
  let closed = false
  let waiters: (() => void)[] = []

  const settle = () => {
    const done = waiters
    waiters = []
    for (const resolve of done) resolve()
  }

  const stall = (text: string, fields: Record<string, unknown>) => {
    // Each report is the whole state: once stalled, only the newest one matters.
    queue = queue.slice(-1)
    since = undefined
    if (problem === undefined) {
      logger.warn({ device: path, ...fields }, text)
      options.onStall?.(text)
    } else {
      logger.debug({ device: path, ...fields }, text)
    }
    problem = text
    settle()
    schedule(STALLED_RETRY_MS)
  }

  const schedule = (ms: number) => {
    if (timer !== undefined || closed) return
    timer = setTimeout(() => {
      timer = undefined
      pump()
    }, ms)
  }

  const reopen = () => {
    if (fd !== undefined) closeQuietly()
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)
  }

  const closeQuietly = () => {
    if (fd === undefined) return
    try {
      closeSync(fd)
    } catch {
      // Already gone with the device.
    }
    fd = undefined
  }

  const pump = () => {
    while (!closed && queue.length > 0) {
      const report = queue[0]!
      try {
        if (fd === undefined) reopen()
        const written = writeSync(fd!, report)
        if (written !== report.length) throw Object.assign(new Error('short write'), { code: 'ESHORT' })
      } catch (error) {
        const code = errorCode(error)
        if (code === 'EAGAIN' && problem !== undefined) {
          schedule(STALLED_RETRY_MS)
          return
        }
        if (code === 'EAGAIN') {
          since ??= Date.now()
          const waited = Date.now() - since
          if (waited < timeoutMs) {
            schedule(RETRY_MS)
            return
          }
          stall(
            `HID write to ${path} timed out after ${timeoutMs} ms: is the target asleep or the cable out?`,
            {
              timeoutMs,
              waited,
            },
          )
          return
        }
        closeQuietly()
        const hint =
          code === 'ENOENT'
            ? ' (run keyroom-pi hid setup)'
            : code === 'ESHUTDOWN'
              ? ' (host not connected)'
              : ''
        stall(`cannot write to ${path}: ${code}${hint}`, { code, message: (error as Error).message })
        return
      }
      queue.shift()
      since = undefined
      if (problem !== undefined) {
        logger.info({ device: path, after: problem }, 'HID writes go through again')
        problem = undefined
      }
    }
    settle()
  }

  return {
    write(report) {
      if (closed) return
      queue.push(report)
      if (problem !== undefined) {
        // Stalled: this report replaces the old one and is tried now, not at the next slow retry.
        queue = queue.slice(-1)
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
      }
      // While an EAGAIN retry is pending, the report waits its turn behind it (order is kept).
      if (timer === undefined) pump()
    },
    drained() {
      if (queue.length === 0 || problem !== undefined) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    stalled: () => problem !== undefined,
    close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      closeQuietly()
      settle()
    },
  }
}
