import { type Logger, pino } from 'pino'
import { humanDestination } from './human-lines.js'

/**
 * A device app's logger on stderr (stdout carries the product's output: the pairing link, a log or sim driver's
 * lines), level from $LOG_LEVEL: lines for a person with `human` (a terminal, see {@link wantsHumanLines}), else
 * JSON lines.
 * @default level 'info'
 */
export function createDeviceLogger(
  name: string,
  env: Readonly<Record<string, string | undefined>> = {},
  options: { human?: boolean } = {},
): Logger {
  const level = env.LOG_LEVEL ?? 'info'
  if (options.human)
    return pino(
      { name, level },
      humanDestination((text) => void process.stderr.write(text)),
    )
  return pino({ name, level }, pino.destination(2))
}

/**
 * Lines for a person when the stream is a terminal and JSON was not asked for (`--json`). `KEYROOM_LOG_FORMAT`
 * (`human` or `json`) decides instead, for a parent that pipes the output to a terminal of its own (`pnpm start`).
 */
export function wantsHumanLines(
  stream: { isTTY?: boolean },
  json: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): boolean {
  if (json) return false
  if (env.KEYROOM_LOG_FORMAT === 'human') return true
  if (env.KEYROOM_LOG_FORMAT === 'json') return false
  return stream.isTTY === true
}
