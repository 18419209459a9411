import type { Logger } from 'pino'

/** Why a device app stops: a signal, or a crash. */
export type StopCause = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'uncaught exception' | 'unhandled rejection'

/** The bits of `process` the handlers use; a plain EventEmitter in tests. */
export interface ProcessLike {
  on(event: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGUSR2', listener: () => void): unknown
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown
}

export interface SignalOptions {
  proc: ProcessLike
  logger: Logger
  /** Puts the device in its safe state (keys up, pins at rest) and leaves the room. */
  stop(crashed: boolean, cause: StopCause): Promise<void>
  exit(code: number): void
  /** Re-reads the app's configuration on SIGUSR2 (the Pi's pin map); apps without one leave it out. */
  reload?: () => void
  /** Exit anyway after this long, should stopping hang. @default 3000 */
  forceAfterMs?: number
}

/**
 * One signal behaviour for every device app. SIGINT, SIGTERM and SIGHUP stop safely, then exit 0 (SIGHUP is the
 * terminal closing: by default it would kill the process with its keys still down); an uncaught exception or
 * unhandled rejection stops safely, then exits 1 (so launchd / systemd restart it). SIGUSR2 reloads, where the app
 * has something to reload (SIGUSR1 is Node's debugger). A stop exits after `forceAfterMs` even if stopping hangs;
 * a second signal during a stop is ignored.
 */
export function handleSignals(options: SignalOptions): void {
  const { proc, logger } = options
  let stopping = false
  const stop = (crashed: boolean, cause: StopCause) => {
    if (stopping) return
    stopping = true
    const code = crashed ? 1 : 0
    logger.info({ cause }, `${cause}: stopping safely, then exiting ${code}`)
    setTimeout(() => options.exit(code), options.forceAfterMs ?? 3_000).unref?.()
    options.stop(crashed, cause).then(
      () => options.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed')
        options.exit(1)
      },
    )
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) proc.on(signal, () => stop(false, signal))
  const { reload } = options
  if (reload) {
    proc.on('SIGUSR2', () => {
      logger.info('SIGUSR2: reloading')
      reload()
    })
  }
  proc.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception')
    stop(true, 'uncaught exception')
  })
  proc.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection')
    stop(true, 'unhandled rejection')
  })
}
