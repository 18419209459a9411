import { pino } from 'pino'

/** A real pino logger whose lines land in `lines` (parsed), for tests that check what was logged. */
export function captureLogger() {
  const lines: Array<Record<string, unknown> & { level: number; msg: string }> = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
  return { logger, lines }
}
