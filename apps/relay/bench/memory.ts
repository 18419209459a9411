import { connectMany, joinAll } from './clients.js'
import { BENCH } from './config.js'
import { type RelayKind, type ServerProcess, startServer } from './server-process.js'
import { sleep } from './wait.js'

export interface MemoryResult {
  connections: number
  heapBytesPerConnection: number
  rssBytesPerConnection: number
  /** Server CPU while the connections sat idle (heartbeats only), as a share of one core; absent if not measured. */
  idleCpuShare?: number
}

const ignore = () => {}
/** Connections opened and closed before the baseline, so code and buffers allocated once are not counted. */
const WARMUP_CONNECTIONS = 30

async function waitForConnections(server: ServerProcess, target: number): Promise<void> {
  const deadline = performance.now() + BENCH.connectTimeoutMs
  for (;;) {
    const { connections } = await server.stats()
    if (connections === target) return
    if (performance.now() > deadline) {
      throw new Error(`the ${server.kind} server has ${connections} connections, expected ${target}`)
    }
    await sleep(50)
  }
}

/**
 * Server CPU over `ms` of silence, as a share of one core. `ms` is the server's own heartbeat interval: a window of
 * exactly one interval holds exactly one ping per connection, however their opening times fall.
 */
async function idleCpu(server: ServerProcess, ms: number): Promise<number> {
  const start = await server.stats()
  const startedAt = performance.now()
  await sleep(ms)
  const end = await server.stats()
  return (end.cpuMicros - start.cpuMicros) / 1000 / (performance.now() - startedAt)
}

/**
 * Heap and RSS of a fresh relay process holding `count` idle connections, each in a room of 3, minus its baseline,
 * per connection. A fresh process each time: RSS rarely shrinks, so a used process would understate it.
 */
export async function measureIdleMemory(
  kind: RelayKind,
  count: number,
  options: { idleCpu?: boolean } = {},
): Promise<MemoryResult> {
  const server = await startServer(kind)
  try {
    const warm = await connectMany(kind, server.url, WARMUP_CONNECTIONS, ignore)
    await joinAll(warm, (i) => `warm-${Math.floor(i / 3)}`)
    for (const client of warm) client.close()
    await waitForConnections(server, 0)

    const before = await server.stats({ gc: true })
    const clients = await connectMany(kind, server.url, count, ignore)
    await joinAll(clients, (i) => `idle-${Math.floor(i / 3)}`)
    await waitForConnections(server, count)
    const after = await server.stats({ gc: true })
    const idleCpuShare =
      options.idleCpu && server.heartbeatMs ? await idleCpu(server, server.heartbeatMs) : undefined
    for (const client of clients) client.close()
    return {
      connections: count,
      heapBytesPerConnection: (after.heapUsed - before.heapUsed) / count,
      rssBytesPerConnection: (after.rss - before.rss) / count,
      ...(idleCpuShare === undefined ? {} : { idleCpuShare }),
    }
  } finally {
    await server.stop()
  }
}
