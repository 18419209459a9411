import { fileURLToPath } from 'node:url'
import { freePort, NODE_FROM_SOURCE, spawnProcess } from '@keyroom/test-kit'
import { vi } from 'vitest'

export { freePort }

/** A process whose stdout and stderr the test reads as one text (killed when the test finishes). */
function spawnWithOutput(command: string, args: string[], env: Record<string, string> = {}, cwd?: string) {
  const spawned = spawnProcess(command, args, { env, ...(cwd ? { cwd } : {}) })
  return { child: spawned.child, exited: spawned.exited, output: () => spawned.stdout() + spawned.stderr() }
}

/** A real redis-server on a free loopback port, with no persistence. Fails clearly when it is not installed. */
export async function startRedis() {
  const port = await freePort()
  const start = async () => {
    const server = spawnWithOutput('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ])
    server.child.once('error', () => undefined)
    await vi.waitFor(
      () => {
        if (server.child.exitCode !== null || server.child.spawnfile === undefined) {
          throw new Error(
            `redis-server did not start (is it installed? apt-get install redis-server): ${server.output()}`,
          )
        }
        if (!server.output().includes('Ready to accept connections'))
          throw new Error(`redis not ready: ${server.output()}`)
      },
      { timeout: 10_000, interval: 50 },
    )
    return server
  }
  let server = await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      server.child.kill('SIGKILL')
      await server.exited
    },
    async restart() {
      server = await start()
    },
    /** SIGSTOP: the server keeps its connections open and answers nothing, as a Redis stuck on a slow disk. */
    stop() {
      server.child.kill('SIGSTOP')
    },
    resume() {
      server.child.kill('SIGCONT')
    },
  }
}

const relayMain = fileURLToPath(new URL('../src/main.ts', import.meta.url))

/**
 * The relay as its own process, on a free port; resolves once it prints where it listens.
 * By default it runs `src/main.ts`; `entry` runs a built `main.js` with plain node instead.
 */
export async function startRelayProcess(
  env: Record<string, string>,
  options: { entry?: string; cwd?: string } = {},
) {
  const args = options.entry ? [options.entry] : [...NODE_FROM_SOURCE, relayMain]
  const relay = spawnWithOutput(process.execPath, args, { PORT: '0', LOG_LEVEL: 'info', ...env }, options.cwd)
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
