import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Result } from '@keyroom/key-events'
import type { Logger } from 'pino'

/**
 * A small JSON file of what a device has engaged right now (keys held down, outputs switched on), so that the next
 * start undoes what a killed process left behind. Written on every change: a synchronous write and an atomic rename
 * (a crash mid-write leaves the old content, never half of it); unchanged content is not written again.
 */
export interface StateFile {
  /** Records `value` (as JSON). Never throws: a failed write is logged. */
  write(value: unknown): void
  /** The last content written, parsed; what went wrong otherwise (each app says it in its own words). */
  read(): Result<unknown, StateFileError>
}

export interface StateFileError {
  code: 'missing' | 'unreadable' | 'not-json'
  cause: unknown
}

/** Opens the state file at `path`; `what` names its content in log lines ("held keys", "engaged outputs"). */
export function openStateFile(path: string, logger: Logger, what: string): StateFile {
  let last = ''
  try {
    // A device run with --link before any pairing: the folder may not exist yet.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  } catch (error) {
    logger.error({ err: error, path }, `cannot create the directory for ${what}`)
  }
  return {
    write(value) {
      const text = JSON.stringify(value)
      if (text === last) return
      try {
        writeFileSync(`${path}.tmp`, text, { mode: 0o600 })
        renameSync(`${path}.tmp`, path)
        last = text
      } catch (error) {
        logger.error({ err: error, path }, `could not record ${what}`)
      }
    },
    read() {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
        return { ok: false, error: { code: missing ? 'missing' : 'unreadable', cause: error } }
      }
      try {
        return { ok: true, value: JSON.parse(text) as unknown }
      } catch (error) {
        return { ok: false, error: { code: 'not-json', cause: error } }
      }
    },
  }
}
