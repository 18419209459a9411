import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fail, type Result } from '@keyroom/key-events'

export interface XDisplayProbeOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv
  /** @default 10000 */
  timeoutMs?: number
}

/**
 * Linux: whether nut.js can open the X display. libnut opens it on the first key press and, when it cannot, prints
 * "Could not open main display" and segfaults: a receiver must find out at start, not when a key arrives. So the
 * probe runs nut.js in a child process (about 0.4 s), which may crash without harm.
 */
export async function probeXDisplay(options: XDisplayProbeOptions = {}): Promise<Result<string>> {
  const env = options.env ?? process.env
  const display = env.DISPLAY
  if (!display) {
    return fail(
      'no-display',
      'DISPLAY is not set: the nut driver needs an X display (X11 or XWayland); try --driver log',
    )
  }
  const nut = createRequire(import.meta.url).resolve('@nut-tree-fork/nut-js')
  const script = `require(${JSON.stringify(nut)}).screen.width().then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(3) })`
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script],
      { env, timeout: options.timeoutMs ?? 10_000 },
      (error, _stdout, stderr) => {
        if (!error) return resolve({ ok: true, value: display })
        const why =
          stderr.trim().split('\n')[0] || (error.signal ? `probe killed by ${error.signal}` : error.message)
        resolve(
          fail(
            'no-display',
            `cannot open X display "${display}" (${why}): is the X server running, and may this user use it?`,
          ),
        )
      },
    )
  })
}
