import { type Logger, pino } from 'pino'

/**
 * A device app's logger: JSON lines on stderr (stdout carries the product's output: the pairing link, a log or sim
 * driver's lines), level from $LOG_LEVEL.
 * @default level 'info'
 */
export function createDeviceLogger(
  name: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Logger {
  return pino({ name, level: env.LOG_LEVEL ?? 'info' }, pino.destination(2))
}
