import { vi } from 'vitest'
import { freePort } from './free-port.js'
import { spawnProcess } from './spawn-process.js'

/** A real redis-server on a free loopback port, with no persistence. Fails clearly when it is not installed. */
export async function startRedis() {
  const port = await freePort()
  const start = async () => {
    const spawned = spawnProcess('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ])
    const server = { ...spawned, output: () => spawned.stdout() + spawned.stderr() }
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
