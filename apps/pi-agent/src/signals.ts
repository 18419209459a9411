import type { EventEmitter } from 'node:events'
import type { Logger } from 'pino'

/** The bit of a running service the signal handlers need. */
export interface Stoppable {
  reload(): boolean
  stop(reason: string): Promise<void>
}

/**
 * SIGHUP reloads the map; SIGTERM/SIGINT stop with exit code 0; an uncaught error or rejection stops with 1. Every
 * stop rests and unexports the pins first (`service.stop`); a second signal during a stop is ignored.
 */
export function handleSignals(
  proc: Pick<EventEmitter, 'on'>,
  service: Stoppable,
  logger: Logger,
  exit: (code: number) => void,
): void {
  let stopping = false
  const stop = (reason: string, code: number) => {
    if (stopping) return
    stopping = true
    service.stop(reason).then(
      () => exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping')
        exit(code === 0 ? 1 : code)
      },
    )
  }
  proc.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading the pin map')
    service.reload()
  })
  proc.on('SIGTERM', () => stop('SIGTERM', 0))
  proc.on('SIGINT', () => stop('SIGINT', 0))
  const crash = (error: unknown) => {
    logger.fatal({ err: error }, 'uncaught error: putting every pin in its safe state')
    stop('crash', 1)
  }
  proc.on('uncaughtException', crash)
  proc.on('unhandledRejection', crash)
}
