/**
 * The child side of a bench server: starts one relay, then answers the parent's IPC requests for CPU and memory
 * readings taken inside this process. Each server file is a few lines that call `serveBench`.
 */

export interface BenchServer {
  port: number
  /** Open client connections, as the server counts them. */
  connections(): number
  /** How often the server pings each idle connection; undefined when it does not. */
  heartbeatMs?: number | undefined
  close(): Promise<void>
}

export type ParentRequest = { type: 'stats'; id: number; gc: boolean } | { type: 'stop' }

export interface ServerStats {
  /** process.cpuUsage() user + system since the process started, in microseconds. */
  cpuMicros: number
  /** The system (kernel) part of cpuMicros: socket reads and writes, epoll. */
  systemMicros: number
  heapUsed: number
  rss: number
  connections: number
}

export type ChildMessage =
  | { type: 'ready'; port: number; heartbeatMs: number | undefined }
  | { type: 'stats'; id: number; stats: ServerStats }
  | { type: 'failed'; message: string }

const gc = (globalThis as { gc?: () => void }).gc

function send(message: ChildMessage): void {
  process.send?.(message)
}

function collectGarbage(): void {
  // Several passes: the first frees objects whose finalizers free more.
  for (let i = 0; i < 3; i++) gc?.()
}

export function serveBench(start: () => Promise<BenchServer>): void {
  if (!process.send)
    throw new Error('a bench server runs as a child process with IPC (see server-process.ts)')
  // The parent going away (crash, Ctrl-C) must not leave a server behind.
  process.on('disconnect', () => process.exit(0))

  start().then(
    (server) => {
      process.on('message', (request: ParentRequest) => {
        if (request.type === 'stop') {
          void server.close().finally(() => process.exit(0))
          return
        }
        if (request.gc) collectGarbage()
        const cpu = process.cpuUsage()
        const memory = process.memoryUsage()
        send({
          type: 'stats',
          id: request.id,
          stats: {
            cpuMicros: cpu.user + cpu.system,
            systemMicros: cpu.system,
            heapUsed: memory.heapUsed,
            rss: memory.rss,
            connections: server.connections(),
          },
        })
      })
      send({ type: 'ready', port: server.port, heartbeatMs: server.heartbeatMs })
    },
    (error: Error) => {
      send({ type: 'failed', message: error.message })
      process.exit(1)
    },
  )
}
