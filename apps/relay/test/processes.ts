import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { onTestFinished, vi } from 'vitest'

/** A free TCP port on 127.0.0.1 (for servers that cannot be told to pick one and print it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function spawnWithOutput(command: string, args: string[], env: Record<string, string> = {}, cwd?: string) {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env },
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const append = (chunk: Buffer) => {
    output += chunk.toString()
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  return { child, exited, output: () => output }
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
  const args = options.entry
    ? [options.entry]
    : ['--conditions=@keyroom/source', '--import', 'tsx', relayMain]
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
