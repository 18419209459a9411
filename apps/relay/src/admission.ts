import { type IncomingMessage, ServerResponse } from 'node:http'
import type { Socket as TcpSocket } from 'node:net'
import { fail } from '@keyroom/key-events'
import type { Logger } from 'pino'
import { clientIp } from './client-ip.js'
import type { RelayConfig } from './config.js'
import { createConnectionCounter } from './limits.js'
import type { LogBudget } from './log-budget.js'
import type { Metrics } from './metrics.js'
import { createOriginCheck, type OriginVerdict } from './origins.js'

/** Sec-Fetch-Site values of a request a page made to itself, or a user typed: never a foreign page's. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none'])

/** The parts of an engine.io connection (engine.io's `Socket`) admission uses. */
export interface EngineSocket {
  /** The handshake's request; null once {@link releaseRequest} has let it go. */
  request: IncomingMessage | null
  on(event: 'close', listener: (this: EngineSocket) => void): unknown
  close(): void
}

/**
 * Who may reach Socket.IO, checked in layers: TCP sockets per peer address at accept, the Origin and
 * `Sec-Fetch-Site` of every request (handshakes, polling requests of a session and upgrades alike), and per-IP
 * slots for handshakes and connections. A slot is held from the handshake until its connection closes, or given
 * back as soon as the handshake's TCP socket closes without becoming one.
 *
 * Per connection it keeps only the client's address (in a WeakMap): the close listeners are shared functions, and
 * the handshake's request is let go once Socket.IO has read it ({@link releaseRequest}; about 2 KB a connection).
 */
export function createAdmission(options: {
  config: RelayConfig
  metrics: Metrics
  log: Logger
  logBudget: LogBudget
}) {
  const { config, metrics, log, logBudget } = options
  const checkOrigin = createOriginCheck(config)
  const sockets = createConnectionCounter(config.maxSocketsPerIp)
  const pending = createConnectionCounter(config.maxPendingHandshakesPerIp)
  const connections = createConnectionCounter(config.maxConnectionsPerIp)
  // One function each for every socket and connection (Node calls a listener with `this` set to its emitter).
  // A closed TCP socket still answers `remoteAddress` from the peer name read when it opened.
  function onTcpClose(this: TcpSocket) {
    sockets.close(this.remoteAddress ?? 'unknown')
  }
  function onConnectionClose(this: EngineSocket) {
    const ip = connectionIps.get(this)
    if (ip !== undefined) connections.close(ip)
  }
  /** Handshakes that passed and are not yet connections, with how to give their slots back. */
  const reservations = new WeakMap<IncomingMessage, { ip: string; release: () => void }>()
  /** The client address of every open connection, as its handshake was counted. */
  const connectionIps = new WeakMap<object, string>()
  /**
   * The stand-in response engine.io (6.6) makes for each upgrade: a `close` listener on the TCP socket keeps it,
   * and with it the upgrade's request, for the connection's life, unless its link to the request is cut.
   */
  const upgradeResponses = new WeakMap<IncomingMessage, { req?: unknown }>()

  function refused(ip: string, reason: string, message: string) {
    metrics.refused(reason)
    const suppressed = logBudget.take(ip)
    if (suppressed === false) return
    log.warn({ ip, reason, ...(suppressed > 0 ? { suppressed } : {}) }, message)
  }

  function verdict(req: IncomingMessage): OriginVerdict {
    const origin = req.headers.origin
    const byOrigin = checkOrigin(origin)
    if (!byOrigin.ok || (origin !== undefined && origin !== '')) return byOrigin
    // No Origin: a device, a script, or a browser's no-cors fetch from a foreign page (an <img> at the relay).
    const site = req.headers['sec-fetch-site']
    if (site === undefined || OWN_FETCH_SITES.has(site)) return byOrigin
    return fail('origin-not-allowed', 'a cross-site browser request without an allowed Origin')
  }

  return {
    /** Socket.IO's `cors` origin callback, for the headers polling from other allowed origins needs. */
    corsOrigin(origin: string | undefined, done: (error: Error | null, allow: boolean) => void): void {
      done(null, checkOrigin(origin).ok)
    },

    /** The http server's `connection`: at most `maxSocketsPerIp` sockets per peer (unless behind a proxy). */
    onTcpConnection(tcp: TcpSocket): void {
      // Behind proxies every client arrives from a proxy's address: their own limits apply there.
      if (config.trustProxyHops > 0) return
      const ip = tcp.remoteAddress ?? 'unknown'
      if (!sockets.tryOpen(ip)) {
        refused(ip, 'too-many-sockets', `refused socket: ${ip} already has ${config.maxSocketsPerIp} open`)
        tcp.destroy()
        return
      }
      tcp.on('close', onTcpClose)
    },

    /** An engine.io middleware: runs for every request to /socket.io/, with or without a session. */
    checkRequest(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
      const result = verdict(req)
      if (result.ok) {
        if (!(res instanceof ServerResponse)) upgradeResponses.set(req, res as { req?: unknown })
        next()
        return
      }
      const { code, message } = result.error
      refused(clientIp(req, config.trustProxyHops), code, `refused request: ${message}`)
      refuse(res, message, req.headers.origin)
    },

    /** Socket.IO's `allowRequest`, for handshakes only: takes the IP's handshake and connection slots. */
    allowHandshake(
      req: IncomingMessage,
      done: (error: string | null | undefined, ok: boolean) => void,
    ): void {
      const ip = clientIp(req, config.trustProxyHops)
      if (!pending.tryOpen(ip)) {
        refused(
          ip,
          'too-many-handshakes',
          `refused handshake: ${ip} has ${config.maxPendingHandshakesPerIp} pending`,
        )
        done(`too many pending handshakes from ${ip}`, false)
        return
      }
      // Taken now, so handshakes racing each other cannot all pass; the connection keeps it.
      if (!connections.tryOpen(ip)) {
        pending.close(ip)
        refused(
          ip,
          'too-many-connections',
          `refused handshake: ${ip} already has ${config.maxConnectionsPerIp} connections`,
        )
        done(`too many connections from ${ip}`, false)
        return
      }
      const release = () => {
        if (!reservations.delete(req)) return
        pending.close(ip)
        connections.close(ip)
      }
      reservations.set(req, { ip, release })
      // Given back when the handshake ends without a connection: a polling handshake's response is done (an
      // unsupported protocol: 400, on a socket kept alive), an upgrade's socket closes (a bad key: 400).
      closeOf(req).once('close', release)
      done(null, true)
    },

    /** The engine's `connection`: the handshake's slot now belongs to the connection until it closes. */
    onEngineConnection(engineSocket: EngineSocket): void {
      const { request } = engineSocket
      const reservation = request && reservations.get(request)
      if (!request || !reservation) {
        // Its TCP socket closed first and gave the slot back: nothing holds this connection a place.
        engineSocket.close()
        return
      }
      reservations.delete(request)
      closeOf(request).off('close', reservation.release)
      pending.close(reservation.ip)
      connectionIps.set(engineSocket, reservation.ip)
      engineSocket.on('close', onConnectionClose)
      // The upgrade is done: nothing reads its stand-in response's request any more. (A polling session that
      // upgrades later keeps that link, as before; keyroom's clients open on WebSocket.)
      const upgrade = upgradeResponses.get(request)
      if (upgrade) upgrade.req = undefined
      upgradeResponses.delete(request)
    },

    /** The client address an engine.io connection was admitted under: what its logs and per-IP budgets name. */
    ipOf: (connection: object): string => connectionIps.get(connection) ?? 'unknown',

    /**
     * Lets a connection's handshake request go once Socket.IO has built the socket's `handshake` from it (as
     * Socket.IO's memory guide suggests). The relay reads nothing from it later: the address is kept by {@link ipOf}.
     */
    releaseRequest(engineSocket: EngineSocket): void {
      engineSocket.request = null
    },

    /** Open connections of an IP, for tests and status. */
    connectionsOf: (ip: string): number => connections.count(ip),
  }
}

/** What closes when a handshake request is over: its response (polling), or its socket (an upgrade). */
const closeOf = (req: IncomingMessage) => (req as { res?: ServerResponse }).res ?? req.socket

/** A 403 with the reason, as engine.io answers a refused handshake: on an HTTP response or a raw upgrade socket. */
function refuse(res: ServerResponse, reason: string, origin: string | undefined): void {
  const body = JSON.stringify({ code: 4, message: reason })
  if (res instanceof ServerResponse) {
    res.writeHead(403, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      // The refused page may read why (the keypad shows it); the body holds nothing but the reason.
      ...(origin ? { 'access-control-allow-origin': origin } : {}),
    })
    res.end(body)
    return
  }
  // An upgrade: engine.io passes a stand-in for the response that holds the raw socket.
  const socket = (res as { socket?: TcpSocket }).socket
  socket?.end(
    `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  )
}
