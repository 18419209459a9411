/** pino's numeric levels, named where a person should notice them. */
const LEVEL_WORDS = new Map([
  [40, 'warning: '],
  [50, 'error: '],
  [60, 'fatal: '],
])

/** Fields every pino line carries: the human form leaves them out. */
const STANDARD = new Set(['level', 'time', 'pid', 'hostname', 'name', 'module', 'msg'])

/**
 * One pino JSON record as a line for a person at a terminal: `12:01:02 keypad joined (name=phone)`. Levels from
 * warning up are named; other fields follow in brackets, an error by its message.
 */
export function humanLine(record: Record<string, unknown>): string {
  const time = typeof record.time === 'number' ? new Date(record.time).toTimeString().slice(0, 8) : ''
  const level = typeof record.level === 'number' ? (LEVEL_WORDS.get(record.level) ?? '') : ''
  const fields = Object.entries(record)
    .filter(([key, value]) => !STANDARD.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${show(value)}`)
  const message = typeof record.msg === 'string' ? record.msg : ''
  return `${time} ${level}${message}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`.trim()
}

function show(value: unknown): string {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object' && 'message' in value && typeof value.message === 'string')
    return value.message
  return JSON.stringify(value)
}

/** A pino destination that writes each record as a {@link humanLine}; a line that is not JSON passes as it is. */
export function humanDestination(write: (text: string) => void) {
  return {
    write(line: string) {
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch {
        return write(line)
      }
      write(
        `${record && typeof record === 'object' ? humanLine(record as Record<string, unknown>) : line.trim()}\n`,
      )
    },
  }
}
