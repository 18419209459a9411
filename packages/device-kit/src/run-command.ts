import { execFile } from 'node:child_process'

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a program without a shell; never throws for a non-zero exit. Small so tests can pass a fake. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>

/** How long a system command (launchctl, systemctl, useradd, ioreg) may take before it is killed. */
export const COMMAND_TIMEOUT_MS = 10_000

/** A runner with a timeout: a hung system command fails (code 124, like timeout(1)) instead of hanging the CLI. */
export function createCommandRunner(options: { timeoutMs?: number } = {}): CommandRunner {
  const timeout = options.timeoutMs ?? COMMAND_TIMEOUT_MS
  return (file, args) =>
    new Promise((resolve) => {
      execFile(file, [...args], { timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const timedOut = error?.killed === true && error.signal === 'SIGTERM'
        const code = !error ? 0 : timedOut ? 124 : typeof error.code === 'number' ? error.code : 127
        const why = timedOut
          ? `${file} did not finish within ${timeout} ms`
          : error && !stdout
            ? error.message
            : ''
        resolve({ code, stdout: String(stdout), stderr: String(stderr || why) })
      })
    })
}

/** The runner the apps use. */
export const runCommand: CommandRunner = createCommandRunner()
