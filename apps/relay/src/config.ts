/** Everything the relay can be told, with the defaults a single laptop needs. */
export interface RelayConfig {
  /** @default 7300 (0 picks a free port) */
  port: number
  /** @default '127.0.0.1' */
  host: string
  /** Extra allowed browser origins, fully anchored patterns such as `*.example.com` or `https://app.example.com`. */
  allowedOrigins: string[]
  /** Devices and scripts send no Origin header. @default true */
  allowMissingOrigin: boolean
  /** Largest `payload` a broadcast may carry, in bytes of its JSON form. @default 16384 */
  maxPayloadBytes: number
  /** @default 16 */
  maxRoomsPerSocket: number
  /** Sustained events per second per socket (token bucket refill rate). @default 100 */
  eventsPerSecond: number
  /** Token bucket size: how many events may arrive at once. @default 200 */
  eventBurst: number
  /** @default 64 */
  maxConnectionsPerIp: number
  /** Open TCP sockets per peer address, counted at accept (polling clients use two). Not applied behind a proxy. @default 128 */
  maxSocketsPerIp: number
  /** Handshakes per client IP that have passed the checks and are not yet connections. @default 8 */
  maxPendingHandshakesPerIp: number
  /** How long a client may take to send its request headers. @default 10000 */
  headersTimeoutMs: number
  /**
   * How many proxies you run in front of the relay: the client IP is the `X-Forwarded-For` entry that many hops
   * from the right (the one your nearest proxy wrote). 0 ignores the header. @default 0
   */
  trustProxyHops: number
  /** A connection refused for its rate this long without a pause of a second is disconnected. @default 10000 */
  floodDisconnectMs: number
  /**
   * Bytes the relay may hold for one connection that is not reading (past what the kernel buffers); beyond it the
   * connection is dropped. 64 of the largest payloads. @default 1048576
   */
  maxSendBacklogBytes: number
  /** Directory with a built single-page app (the keypad) to serve at `/`; none when undefined. */
  staticDir?: string | undefined
  /** PEM certificate chain file: with {@link tlsKeyPath}, the relay serves HTTPS and WSS; none when undefined. */
  tlsCertPath?: string | undefined
  /** PEM private key file of {@link tlsCertPath}. */
  tlsKeyPath?: string | undefined
  /** Socket.IO's Redis adapter for several relays behind one load balancer; none when undefined. */
  redisUrl?: string | undefined
  /** @default 'info' */
  logLevel: string
}

export const DEFAULT_CONFIG: RelayConfig = {
  port: 7300,
  host: '127.0.0.1',
  allowedOrigins: [],
  allowMissingOrigin: true,
  maxPayloadBytes: 16 * 1024,
  maxRoomsPerSocket: 16,
  eventsPerSecond: 100,
  eventBurst: 200,
  maxConnectionsPerIp: 64,
  maxSocketsPerIp: 128,
  maxPendingHandshakesPerIp: 8,
  headersTimeoutMs: 10_000,
  trustProxyHops: 0,
  floodDisconnectMs: 10_000,
  maxSendBacklogBytes: 1024 * 1024,
  logLevel: 'info',
}

interface EnvVar {
  name: string
  help: string
  apply(config: RelayConfig, value: string): string | undefined
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

type Keys<T> = { [K in keyof RelayConfig]-?: RelayConfig[K] extends T ? K : never }[keyof RelayConfig]

/** A whole-number setting, its default shown in --help from {@link DEFAULT_CONFIG}. */
function integer(name: string, key: Keys<number>, min: number, max: number, help: string): EnvVar {
  return {
    name,
    help: `${help} (default ${DEFAULT_CONFIG[key]})`,
    apply: (config, raw) => {
      const value = Number(raw)
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        return `must be a whole number from ${min} to ${max}, got "${raw}"`
      }
      config[key] = value
      return undefined
    },
  }
}

function boolean(name: string, key: Keys<boolean>, help: string): EnvVar {
  return {
    name,
    help: `${help} (default ${DEFAULT_CONFIG[key]})`,
    apply: (config, raw) => {
      const value = raw.trim().toLowerCase()
      if (['1', 'true', 'yes'].includes(value)) config[key] = true
      else if (['0', 'false', 'no'].includes(value)) config[key] = false
      else return `must be true or false, got "${raw}"`
      return undefined
    },
  }
}

export const ENV_VARS: readonly EnvVar[] = [
  integer('PORT', 'port', 0, 65535, 'port to listen on; 0 picks a free one'),
  {
    name: 'HOST',
    help: `address to listen on; 0.0.0.0 for phones on the LAN (default ${DEFAULT_CONFIG.host})`,
    apply: (c, v) => {
      if (!v.trim()) return 'must not be empty'
      c.host = v.trim()
      return undefined
    },
  },
  {
    name: 'ALLOWED_ORIGINS',
    help: 'comma-separated extra browser origins, e.g. "*.example.com,https://pad.example.org" (localhost and 127.0.0.1 are always allowed)',
    apply: (c, v) => {
      const patterns = v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
      const bad = patterns.find((p) => !isOriginPattern(p))
      if (bad !== undefined) return `"${bad}" is not an origin pattern (host, *.host or scheme://host[:port])`
      c.allowedOrigins = patterns
      return undefined
    },
  },
  boolean(
    'ALLOW_NO_ORIGIN',
    'allowMissingOrigin',
    'accept clients that send no Origin header, such as receivers',
  ),
  integer(
    'MAX_PAYLOAD_BYTES',
    'maxPayloadBytes',
    64,
    1024 * 1024,
    'largest broadcast payload in bytes of JSON',
  ),
  integer('MAX_ROOMS_PER_SOCKET', 'maxRoomsPerSocket', 1, 10_000, 'rooms one connection may join'),
  integer('EVENTS_PER_SECOND', 'eventsPerSecond', 1, 100_000, 'sustained events per second per connection'),
  integer(
    'EVENT_BURST',
    'eventBurst',
    1,
    1_000_000,
    'events a connection may send at once before the rate applies',
  ),
  integer('MAX_CONNECTIONS_PER_IP', 'maxConnectionsPerIp', 1, 1_000_000, 'open connections per client IP'),
  integer(
    'MAX_SOCKETS_PER_IP',
    'maxSocketsPerIp',
    1,
    1_000_000,
    'open TCP sockets per peer address, refused at accept (off behind a trusted proxy)',
  ),
  integer(
    'MAX_PENDING_HANDSHAKES_PER_IP',
    'maxPendingHandshakesPerIp',
    1,
    1_000_000,
    'handshakes per client IP not yet connected',
  ),
  integer(
    'HEADERS_TIMEOUT_MS',
    'headersTimeoutMs',
    100,
    600_000,
    'time a client has to send its request headers',
  ),
  {
    name: 'TRUST_PROXY',
    help: `proxies you run in front of the relay: the client IP is the X-Forwarded-For entry that many hops from the right; true means 1 (default ${DEFAULT_CONFIG.trustProxyHops})`,
    apply: (c, v) => {
      const value = v.trim().toLowerCase()
      if (['true', 'yes'].includes(value)) c.trustProxyHops = 1
      else if (['false', 'no'].includes(value)) c.trustProxyHops = 0
      else if (/^\d{1,2}$/.test(value)) c.trustProxyHops = Number(value)
      else return `must be a number of proxy hops (0-99), true (1) or false (0), got "${v}"`
      return undefined
    },
  },
  integer(
    'FLOOD_DISCONNECT_MS',
    'floodDisconnectMs',
    1_000,
    3_600_000,
    'a connection held at its rate limit this long is disconnected',
  ),
  integer(
    'MAX_SEND_BACKLOG_BYTES',
    'maxSendBacklogBytes',
    64 * 1024,
    1024 * 1024 * 1024,
    'bytes waiting for a connection that does not read before it is dropped',
  ),
  {
    name: 'KEYPAD_DIR',
    help: 'directory of the built keypad to serve at / (default: none)',
    apply: (c, v) => {
      c.staticDir = v.trim() || undefined
      return undefined
    },
  },
  {
    name: 'TLS_CERT',
    help: 'PEM certificate (chain) file: serve https and wss with TLS_KEY (default: none, plain http)',
    apply: (c, v) => {
      c.tlsCertPath = v.trim() || undefined
      return undefined
    },
  },
  {
    name: 'TLS_KEY',
    help: 'PEM private key file of TLS_CERT (default: none)',
    apply: (c, v) => {
      c.tlsKeyPath = v.trim() || undefined
      return undefined
    },
  },
  {
    name: 'REDIS_URL',
    help: 'redis://host:port to share rooms between several relays (default: none, one relay)',
    apply: (c, v) => {
      if (!/^rediss?:\/\/\S+$/.test(v.trim())) return `must look like redis://host:6379, got "${v}"`
      c.redisUrl = v.trim()
      return undefined
    },
  },
  {
    name: 'LOG_LEVEL',
    help: `one of ${LOG_LEVELS.join(', ')} (default ${DEFAULT_CONFIG.logLevel})`,
    apply: (c, v) => {
      if (!LOG_LEVELS.includes(v.trim())) return `must be one of ${LOG_LEVELS.join(', ')}, got "${v}"`
      c.logLevel = v.trim()
      return undefined
    },
  },
]

/** `host`, `*.host`, or `scheme://host[:port]`, where host may start with `*.`. */
export function isOriginPattern(pattern: string): boolean {
  return /^(https?:\/\/)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i.test(pattern)
}

/** Reads the relay's configuration from the environment; every bad value is named with the reason. */
export function configFromEnv(
  env: Record<string, string | undefined>,
): { ok: true; value: RelayConfig } | { ok: false; errors: string[] } {
  const config: RelayConfig = { ...DEFAULT_CONFIG, allowedOrigins: [] }
  const errors: string[] = []
  for (const variable of ENV_VARS) {
    const raw = env[variable.name]
    if (raw === undefined || raw === '') continue
    const problem = variable.apply(config, raw)
    if (problem) errors.push(`${variable.name} ${problem}`)
  }
  if ((config.tlsCertPath === undefined) !== (config.tlsKeyPath === undefined))
    errors.push('TLS_CERT and TLS_KEY go together: set both (https) or neither (http)')
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: config }
}

export function helpText(): string {
  const width = Math.max(...ENV_VARS.map((v) => v.name.length))
  return [
    'keyroom-relay: a Socket.IO room relay. Clients join a room and broadcast to the others in it.',
    '',
    'Usage: keyroom-relay [--help]',
    '',
    'Configured by environment variables:',
    ...ENV_VARS.map((v) => `  ${v.name.padEnd(width)}  ${v.help}`),
    '',
    'HTTP: GET /healthz (JSON status), GET /metrics (Prometheus text).',
  ].join('\n')
}
