import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { type Logger, pino } from 'pino'
import { Server } from 'socket.io'
import { createAdmission } from './admission.js'
import { DEFAULT_CONFIG, type RelayConfig } from './config.js'
import { createHttpRoutes, type Status } from './http-routes.js'
import { createLogBudget } from './log-budget.js'
import { createMetrics } from './metrics.js'
import { connectRedis, type RedisLink } from './redis-link.js'
import { createRoomCalls } from './rooms.js'
import { createSendBacklog } from './send-backlog.js'
import type { TlsFiles } from './tls-files.js'

export interface RelayOptions extends Partial<RelayConfig> {
  /** @default a pino logger at `logLevel` on stdout */
  logger?: Logger
  /** Shares rooms with other relays; see {@link connectRedis}. */
  redis?: RedisLink
  /** Monotonic clock in ms for rate limits and flood detection. @default performance.now */
  now?: () => number
  /** Serve HTTPS (and so WSS) with this certificate and key; see {@link readTlsFiles}. @default plain HTTP */
  tls?: TlsFiles
}

/** How long a member count may wait for the other relays before it falls back to this relay's own count. */
const CLUSTER_COUNT_TIMEOUT_MS = 1_000

/**
 * Heartbeats: every connection pings once per interval, so the interval is what idle connections cost (10 s cost
 * 2.5x the idle CPU of Socket.IO's default 25 s; see bench/README.md). 30 s + 10 s still notices a dead peer within
 * 40 s, sooner than the default's 45 s; a key held by a vanished keypad is released by its 1.5 s lease, not by this.
 */
const PING_INTERVAL_MS = 30_000
const PING_TIMEOUT_MS = 10_000

/** Socket.IO frames carry some overhead around a payload; beyond this the transport drops the connection. */
const FRAME_ALLOWANCE_BYTES = 16 * 1024

/** Whole requests (headers and body) must arrive within this; a polling POST is at most a few hundred KB. */
const REQUEST_TIMEOUT_MS = 30_000

/** What one client IP may make the relay log: a line a second (with the count it held back), 50 in all. */
const LOG_BUDGET = { perKey: 1, total: 50, intervalMs: 1_000, maxKeys: 10_000 }

/** A relay, not yet listening. */
export function createRelay(options: RelayOptions = {}) {
  const { logger, redis, tls, now = performance.now.bind(performance), ...overrides } = options
  const config: RelayConfig = { ...DEFAULT_CONFIG, ...overrides }
  const log = logger ?? pino({ name: 'relay', level: config.logLevel })
  const metrics = createMetrics()
  const logBudget = createLogBudget(LOG_BUDGET)
  const admission = createAdmission({ config, metrics, log, logBudget })
  const startedAt = Date.now()

  // Routes go in before Socket.IO attaches: it then answers /socket.io/ itself and hands every other request on.
  const serverOptions = {
    // Slow and half-open clients: headers in time or the socket goes, checked every second, not every 30.
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: Math.max(REQUEST_TIMEOUT_MS, config.headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
  }
  const routes = createHttpRoutes({
    staticDir: config.staticDir,
    status: (): Status => status(),
    metrics: () => {
      const { connections, rooms, redis: redisState } = status()
      return metrics.render({ connections, rooms, redis: redisState })
    },
  })
  // One server either way: the keypad, /healthz and Socket.IO share its origin, so https covers them all.
  const http = tls
    ? createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key }, routes)
    : createServer(serverOptions, routes)
  http.on('connection', admission.onTcpConnection)
  const io = new Server(http, {
    serveClient: false,
    // Payloads over the limit get a clear ack error; only far larger frames hit the transport's silent cut-off.
    maxHttpBufferSize: config.maxPayloadBytes * 4 + FRAME_ALLOWANCE_BYTES,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    // Sealed payloads are random bytes: compressing them costs CPU and memory per connection and saves nothing.
    perMessageDeflate: false,
    httpCompression: false,
    // CORS headers for long-polling from other allowed origins; the middleware below refuses the rest.
    cors: { origin: admission.corsOrigin },
    allowRequest: admission.allowHandshake,
  })
  // Every request, not only handshakes: polling requests and upgrades of a session carry an Origin too.
  io.engine.use(admission.checkRequest)
  io.engine.on('connection', admission.onEngineConnection)
  const backlog = createSendBacklog({
    maxBytes: config.maxSendBacklogBytes,
    ipOf: admission.ipOf,
    metrics,
    log,
    logBudget,
  })
  io.engine.on('connection', backlog.watch)

  redis?.attach(io)

  async function countMembers(key: string, excluding?: string): Promise<number> {
    const members = io.sockets.adapter.rooms.get(key)
    const local = () => (members?.size ?? 0) - (excluding && members?.has(excluding) ? 1 : 0)
    if (redis?.state() !== 'up') return local()
    // fetchSockets' own timeout starts after it has asked Redis how many relays there are: a stalled Redis never
    // answers that, so the deadline covers the whole count.
    let deadline: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error('count timed out')), CLUSTER_COUNT_TIMEOUT_MS)
    })
    try {
      const sockets = await Promise.race([io.in(key).timeout(CLUSTER_COUNT_TIMEOUT_MS).fetchSockets(), late])
      return sockets.filter((socket) => socket.id !== excluding).length
    } catch {
      return local()
    } finally {
      clearTimeout(deadline)
    }
  }

  const roomCalls = createRoomCalls({ io, config, metrics, log, logBudget, countMembers, now })
  io.on('connection', (socket) => {
    metrics.counters.connectionsTotal++
    roomCalls.attach(socket, admission.ipOf(socket.conn))
    // Socket.IO has built `socket.handshake` from the request by now; nothing of ours reads the request later.
    admission.releaseRequest(socket.conn)
  })

  const status = (): Status => ({
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    connections: io.engine.clientsCount,
    // Every socket has a private room named by its id; those are not rooms anyone joined.
    rooms: io.sockets.adapter.rooms.size - io.sockets.sockets.size,
    redis: redis ? redis.state() : 'off',
  })

  let closing: Promise<void> | undefined
  return {
    io,
    http,
    config,
    log,
    metrics,
    /** Listens on `config.port` and `config.host`; resolves with the bound port and a URL clients can use. */
    listen(): Promise<{ port: number; url: string }> {
      return new Promise((resolve, reject) => {
        http.once('error', reject)
        http.listen(config.port, config.host, () => {
          http.off('error', reject)
          const { port } = http.address() as AddressInfo
          const host = config.host.includes(':') ? `[${config.host}]` : config.host
          const urlHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host
          resolve({ port, url: `${tls ? 'https' : 'http'}://${urlHost}:${port}` })
        })
      })
    },
    /** Disconnects every client (they see a server disconnect and may retry) and stops listening. Idempotent. */
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        void io.close(() => {
          if (redis) void redis.close().then(resolve, resolve)
          else resolve()
        })
        http.closeAllConnections()
      })
      return closing
    },
  }
}
export type Relay = ReturnType<typeof createRelay>

/** Connects Redis when `redisUrl` is set, creates the relay and listens; port 0 (a free port) unless told. */
export async function startRelay(options: RelayOptions = {}) {
  const withDefaults: RelayOptions = { port: 0, logLevel: 'silent', ...options }
  const log = withDefaults.logger ?? pino({ name: 'relay', level: withDefaults.logLevel ?? 'silent' })
  const redis = withDefaults.redisUrl ? await connectRedis(withDefaults.redisUrl, log) : undefined
  const relay = createRelay({ ...withDefaults, logger: log, ...(redis ? { redis } : {}) })
  const { port, url } = await relay.listen()
  return { relay, port, url, close: () => relay.close() }
}
