/**
 * Bounds what clients can make the relay log. Each key (a client IP) may log `perKey` lines per interval and
 * all keys together `total`; past that, lines are counted, not written, and the next line written for that key
 * carries the count (`suppressed`). Keys are forgotten oldest first beyond `maxKeys`, so the table stays small.
 */
export function createLogBudget(
  options: { perKey: number; total: number; intervalMs: number; maxKeys: number },
  now: () => number = Date.now,
) {
  interface Entry {
    windowStart: number
    used: number
    suppressed: number
  }
  const entries = new Map<string, Entry>()
  let totalWindowStart = now()
  let totalUsed = 0
  return {
    /** How many lines of this key went unwritten before this one, or `false` when this one must not be written. */
    take(key: string): number | false {
      const at = now()
      if (at - totalWindowStart >= options.intervalMs) {
        totalWindowStart = at
        totalUsed = 0
      }
      let entry = entries.get(key)
      if (!entry) {
        if (entries.size >= options.maxKeys) {
          const oldest = entries.keys().next().value
          if (oldest !== undefined) entries.delete(oldest)
        }
        entry = { windowStart: at, used: 0, suppressed: 0 }
        entries.set(key, entry)
      } else if (at - entry.windowStart >= options.intervalMs) {
        entry.windowStart = at
        entry.used = 0
      }
      if (entry.used >= options.perKey || totalUsed >= options.total) {
        entry.suppressed++
        return false
      }
      entry.used++
      totalUsed++
      const suppressed = entry.suppressed
      entry.suppressed = 0
      return suppressed
    },
  }
}
export type LogBudget = ReturnType<typeof createLogBudget>

/** The most of one client-supplied string (an Origin, an event name) that goes into a log line or an error. */
export const MAX_QUOTED_CHARS = 100

/** A client-supplied value, cut to {@link MAX_QUOTED_CHARS} and JSON-quoted so that it cannot forge log lines. */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return `<${value === null ? 'null' : typeof value}>`
  const text = value
  const cut =
    text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…(${text.length} chars)` : text
  return JSON.stringify(cut)
}
