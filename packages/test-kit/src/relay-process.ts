import { fileURLToPath } from 'node:url'
import { vi } from 'vitest'
import { NODE_FROM_SOURCE, spawnProcess } from './spawn-process.js'

const relayMain = fileURLToPath(new URL('../../../apps/relay/src/main.ts', import.meta.url))

/**
 * The relay as its own process, on a free port unless `env.PORT` says otherwise; resolves once it prints where it
 * listens. Its `output()` is stdout and stderr as one text; it is killed (SIGKILL) when the test finishes.
 * By default it runs `src/main.ts`; `entry` runs a built `main.js` with plain node instead.
 */
export async function startRelayProcess(
  env: Record<string, string>,
  options: { entry?: string; cwd?: string } = {},
) {
  const args = options.entry ? [options.entry] : [...NODE_FROM_SOURCE, relayMain]
  const spawned = spawnProcess(process.execPath, args, {
    env: { PORT: '0', LOG_LEVEL: 'info', ...env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  })
  const relay = { ...spawned, output: () => spawned.stdout() + spawned.stderr() }
  const listening = vi.waitFor(
    () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+) \(port/.exec(relay.output())
      if (!match?.[1]) throw new Error(`relay not listening yet: ${relay.output()}`)
      return Number(match[1])
    },
    { timeout: 20_000, interval: 100 },
  )
  const exited = relay.exited.then((code) => {
    throw new Error(`relay exited with code ${code}: ${relay.output()}`)
  })
  const port = await Promise.race([listening, exited])
  return { ...relay, port, url: `http://127.0.0.1:${port}` }
}
