import { join } from 'node:path'
import { openStateFile } from '@keyroom/device-kit'
import type { Logger } from 'pino'
import type { Level, Pins } from './pins.js'

/** The file, in the agent's state dir, that lists the outputs engaged right now. */
export const OUTPUT_RECORD = 'engaged-outputs.json'

/** An engaged output: its BCM number and the electrical level that rests it. */
export interface EngagedOutput {
  pin: number
  rest: Level
}

/**
 * The outputs engaged right now, on disk, so that what a killed agent left engaged is rested at the next start or by
 * `safe-outputs` even when the pin map no longer names that pin. Written on every switch (a small synchronous write
 * and an atomic rename); never throws.
 */
export interface OutputRecord {
  write(engaged: readonly EngagedOutput[]): void
  /** What the last run left engaged; [] for a missing file, and (logged) for anything that is not such a list. */
  read(): EngagedOutput[]
}

/** Where the record lives: systemd's StateDirectory (`$STATE_DIRECTORY`), else the config dir. */
export const outputRecordPath = (env: Readonly<Record<string, string | undefined>>, configDir: string) =>
  join(env.STATE_DIRECTORY?.split(':')[0] || configDir, OUTPUT_RECORD)

const isEngaged = (value: unknown): value is EngagedOutput => {
  const entry = value as { pin?: unknown; rest?: unknown } | null
  return (
    typeof entry === 'object' &&
    entry !== null &&
    Number.isInteger(entry.pin) &&
    (entry.pin as number) >= 0 &&
    (entry.pin as number) <= 63 &&
    (entry.rest === 0 || entry.rest === 1)
  )
}

export function openOutputRecord(path: string, logger: Logger): OutputRecord {
  const file = openStateFile(path, logger, 'engaged outputs')
  return {
    write: (engaged) => file.write({ engaged }),
    read() {
      const read = file.read()
      if (!read.ok) {
        if (read.error.code !== 'missing')
          logger.warn({ path, err: read.error.cause }, 'output record unreadable: ignored')
        return []
      }
      const engaged = (read.value as { engaged?: unknown } | null)?.engaged
      if (!Array.isArray(engaged) || !engaged.every(isEngaged)) {
        logger.warn({ path }, 'output record is not a list of { pin, rest }: ignored')
        return []
      }
      return engaged
    },
  }
}

/** Rests what the last run left engaged on pins the current map does not open itself (a map changed since). */
export function restLeftovers(
  pins: Pins,
  leftovers: readonly EngagedOutput[],
  mapped: ReadonlySet<number>,
  logger: Logger,
) {
  for (const { pin, rest } of leftovers) {
    if (mapped.has(pin)) continue // the map opens it at rest anyway
    try {
      pins.output(pin, rest).close()
      logger.warn({ pin, rest }, 'rested an output the last run left engaged')
    } catch (error) {
      logger.error({ pin, err: error }, 'could not rest an output the last run left engaged')
    }
  }
}
