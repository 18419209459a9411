import type { Logger } from 'pino'
import type { ReleaseReason } from './held-keys.js'

/** The bits of `process` the shutdown handlers use; a plain EventEmitter in tests. */
export interface ProcessLike {
  on(event: 'SIGINT' | 'SIGTERM' | 'SIGHUP', listener: () => void): unknown
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown
}

export interface ShutdownOptions {
  proc: ProcessLike
  logger: Logger
  /** Releases every held key and leaves the room. */
  stop(reason: ReleaseReason): Promise<void>
  exit(code: number): void
  /** Exit anyway after this long, should releasing hang. @default 3000 */
  forceAfterMs?: number
}

/**
 * SIGINT/SIGTERM/SIGHUP release every held key, then exit 0 (launchd's KeepAlive leaves a clean stop alone); an uncaught
 * exception or unhandled rejection releases them too, then exits 1 (so launchd restarts the receiver).
 */
export function installShutdownHandlers(options: ShutdownOptions): void {
  const { proc, logger } = options
  let stopping = false
  const stop = (reason: ReleaseReason, code: number, cause: string) => {
    if (stopping) return
    stopping = true
    logger.info({ reason, cause }, `${cause}: releasing held keys, then exiting ${code}`)
    setTimeout(() => options.exit(code), options.forceAfterMs ?? 3_000).unref()
    void options
      .stop(reason)
      .catch((error: unknown) => logger.error({ err: error }, 'stopping failed'))
      .finally(() => options.exit(code))
  }
  // SIGHUP: the terminal it runs in was closed; by default that kills the process with its keys still down.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    proc.on(signal, () => stop('shutdown', 0, signal))
  proc.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    stop('uncaught-error', 1, 'uncaught exception')
  })
  proc.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    stop('uncaught-error', 1, 'unhandled rejection')
  })
}
