import { type Level, pino } from 'pino'

export type LogLine = Record<string, unknown> & { level: number; msg: string }

/** A real pino logger whose lines land in `lines` (parsed), for tests that check what was logged. */
export function captureLogger(level: Level = 'debug') {
  const lines: LogLine[] = []
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) })
  return { logger, lines, messages: () => lines.map((line) => line.msg) }
}
