import type { ProtocolError } from '@keyroom/key-events'
import type { Logger } from 'pino'

/**
 * The exit code for an error a command returned: 2 for `usage` (something the person must fix: a flag, a link, a
 * missing pairing or build, a bad pin map), 1 for anything else (a service manager or the system failed).
 */
export const exitCodeOf = (error: ProtocolError): number => (error.code === 'usage' ? 2 : 1)

/**
 * Says why a command failed, on stderr, and returns its exit code. `run` logs it as a JSON line (its stderr is the
 * log); the other verbs print `tool: message`.
 */
export function reportFailure(
  error: ProtocolError,
  options: { tool: string; logger: Logger; asLog: boolean; stderr: (text: string) => void },
): number {
  if (options.asLog) options.logger.error({ error }, error.message)
  else options.stderr(`${options.tool}: ${error.message}\n`)
  return exitCodeOf(error)
}
