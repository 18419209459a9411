import type { ProtocolError } from '@keyroom/key-events'
import { configDir } from '@keyroom/room-client/pairing-store'
import type { Logger } from 'pino'
import { createDeviceLogger, wantsHumanLines } from './device-logger.js'
import { reportFailure } from './exit-codes.js'
import { type CommandRunner, runCommand } from './run-command.js'

/** What a device app's `main` takes from its process, the same way in both apps. */
export interface DeviceProcess {
  /** On stderr: lines for a person on a terminal, JSON lines piped, in a journal or with `run --json`. */
  logger: Logger
  /** stdout, the product's output (a pairing link, a log driver's lines). */
  out(text: string): void
  /** Whether stdout is read by a person (a terminal, no --json). */
  humanOutput: boolean
  configDir: string
  run: CommandRunner
  /** Sets the exit code for `error` and says it: a log line when `asLog` (the service was running), else on stderr. */
  fail(error: ProtocolError, asLog?: boolean): void
}

/** `json`: the run command's --json flag, if that is the command. */
export function deviceProcess(tool: string, json: boolean | undefined): DeviceProcess {
  const logger = createDeviceLogger(tool, process.env, {
    human: wantsHumanLines(process.stderr, json, process.env),
  })
  return {
    logger,
    out: (text) => void process.stdout.write(text),
    humanOutput: wantsHumanLines(process.stdout, json, process.env),
    configDir: configDir(),
    run: runCommand,
    fail(error, asLog = false) {
      process.exitCode = reportFailure(error, {
        tool,
        logger,
        asLog,
        stderr: (text) => process.stderr.write(text),
      })
    },
  }
}
