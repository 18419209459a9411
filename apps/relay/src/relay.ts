import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Logger, pino } from 'pino'
import { Server } from 'socket.io'
import { DEFAULT_CONFIG, type RelayConfig } from './config.js'
import { createHttpRoutes, type Status } from './http-routes.js'
import { createConnectionCounter } from './limits.js'
import { createMetrics } from './metrics.js'
import { createOriginCheck } from './origins.js'
import { connectRedis, type RedisLink } from './redis-link.js'
import { attachRoomHandlers } from './rooms.js'

export interface RelayOptions extends Partial<RelayConfig> {
  /** @default a pino logger at `logLevel` on stdout */
  logger?: Logger
  /** Shares rooms with other relays; see {@link connectRedis}. */
  redis?: RedisLink
}

/** How long a handshake may take to become a connection before its per-IP slot is given back. */
const HANDSHAKE_RESERVATION_MS = 30_000

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

function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for']
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',')[0]?.trim() || 'unknown'
  return req.socket.remoteAddress ?? 'unknown'
}

/** A relay, not yet listening. */
export function createRelay(options: RelayOptions = {}) {
  const { logger, redis, ...overrides } = options
  const config: RelayConfig = { ...DEFAULT_CONFIG, ...overrides }
  const log = logger ?? pino({ name: 'relay', level: config.logLevel })
  const metrics = createMetrics()
  const checkOrigin = createOriginCheck(config)
  const connectionsPerIp = createConnectionCounter(config.maxConnectionsPerIp)
  /** Per-IP slots taken at the handshake and not yet held by a connection, with when they lapse. */
  const reservations = new WeakMap<IncomingMessage, NodeJS.Timeout>()
  const startedAt = Date.now()

  // Routes go in before Socket.IO attaches: it then answers /socket.io/ itself and hands every other request on.
  const http = createServer(
    createHttpRoutes({
      staticDir: config.staticDir,
      status: (): Status => status(),
      metrics: () => {
        const { connections, rooms, redis: redisState } = status()
        return metrics.render({ connections, rooms, redis: redisState })
      },
    }),
  )
  const io = new Server(http, {
    serveClient: false,
    // Payloads over the limit get a clear ack error; only far larger frames hit the transport's silent cut-off.
    maxHttpBufferSize: config.maxPayloadBytes * 4 + FRAME_ALLOWANCE_BYTES,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    // Sealed payloads are random bytes: compressing them costs CPU and memory per connection and saves nothing.
    perMessageDeflate: false,
    httpCompression: false,
    // For long-polling from other allowed origins; WebSocket is checked in allowRequest below.
    cors: { origin: (origin, done) => done(null, checkOrigin(origin).ok) },
    allowRequest: (req, done) => {
      const ip = clientIp(req, config.trustProxy)
      const origin = checkOrigin(req.headers.origin)
      if (!origin.ok) {
        metrics.refused('origin-not-allowed')
        log.warn({ origin: req.headers.origin ?? null, ip }, `refused handshake: ${origin.reason}`)
        done(origin.reason, false)
        return
      }
      // The slot is taken now, so handshakes racing each other cannot all pass; the connection keeps it.
      if (!connectionsPerIp.tryOpen(ip)) {
        metrics.refused('too-many-connections')
        log.warn({ ip }, `refused handshake: ${ip} already has ${config.maxConnectionsPerIp} connections`)
        done(`too many connections from ${ip}`, false)
        return
      }
      // A handshake that never becomes a connection (the client went away mid-upgrade) gives the slot back.
      const expiry = setTimeout(() => {
        reservations.delete(req)
        connectionsPerIp.close(ip)
      }, HANDSHAKE_RESERVATION_MS)
      expiry.unref()
      reservations.set(req, expiry)
      done(null, true)
    },
  })

  redis?.attach(io)

  async function countMembers(room: string, excluding?: string): Promise<number> {
    const members = io.sockets.adapter.rooms.get(room)
    const local = () => (members?.size ?? 0) - (excluding && members?.has(excluding) ? 1 : 0)
    if (redis?.state() !== 'up') return local()
    try {
      const sockets = await io.in(room).timeout(CLUSTER_COUNT_TIMEOUT_MS).fetchSockets()
      return sockets.filter((socket) => socket.id !== excluding).length
    } catch {
      return local()
    }
  }

  io.engine.on(
    'connection',
    (engineSocket: { request: IncomingMessage; once(e: 'close', f: () => void): void }) => {
      const expiry = reservations.get(engineSocket.request)
      if (!expiry) return
      clearTimeout(expiry)
      reservations.delete(engineSocket.request)
      const ip = clientIp(engineSocket.request, config.trustProxy)
      engineSocket.once('close', () => connectionsPerIp.close(ip))
    },
  )

  io.on('connection', (socket) => {
    metrics.counters.connectionsTotal++
    attachRoomHandlers(socket, { io, config, metrics, log, countMembers })
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
          resolve({ port, url: `http://${urlHost}:${port}` })
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
