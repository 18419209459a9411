import { describe, expect, it } from 'vitest'
import { configFromEnv, DEFAULT_CONFIG, helpText } from './config.js'

describe('configFromEnv', () => {
  it('uses the defaults for an empty environment', () => {
    expect(configFromEnv({})).toEqual({ ok: true, value: DEFAULT_CONFIG })
  })

  it('reads every variable', () => {
    const config = configFromEnv({
      PORT: '0',
      HOST: '0.0.0.0',
      ALLOWED_ORIGINS: '*.example.com, https://pad.example.org',
      ALLOW_NO_ORIGIN: 'false',
      MAX_PAYLOAD_BYTES: '4096',
      MAX_ROOMS_PER_SOCKET: '2',
      EVENTS_PER_SECOND: '10',
      EVENT_BURST: '5',
      MAX_CONNECTIONS_PER_IP: '3',
      TRUST_PROXY: '1',
      MAX_SEND_BACKLOG_BYTES: '262144',
      KEYPAD_DIR: '/srv/keypad',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'warn',
    })
    expect(config).toEqual({
      ok: true,
      value: {
        port: 0,
        host: '0.0.0.0',
        allowedOrigins: ['*.example.com', 'https://pad.example.org'],
        allowMissingOrigin: false,
        maxPayloadBytes: 4096,
        maxRoomsPerSocket: 2,
        eventsPerSecond: 10,
        eventBurst: 5,
        maxConnectionsPerIp: 3,
        maxSocketsPerIp: 128,
        maxPendingHandshakesPerIp: 8,
        headersTimeoutMs: 10_000,
        trustProxyHops: 1,
        floodDisconnectMs: 10_000,
        maxSendBacklogBytes: 262_144,
        staticDir: '/srv/keypad',
        redisUrl: 'redis://127.0.0.1:6379',
        logLevel: 'warn',
      },
    })
  })

  it('names every bad value with the reason', () => {
    const config = configFromEnv({
      PORT: '70000',
      MAX_PAYLOAD_BYTES: '16k',
      ALLOWED_ORIGINS: 'https://example.com/path',
      TRUST_PROXY: 'maybe',
      HEADERS_TIMEOUT_MS: '5',
      MAX_SEND_BACKLOG_BYTES: '1000',
      REDIS_URL: 'localhost:6379',
    })
    expect(config).toEqual({
      ok: false,
      errors: [
        'PORT must be a whole number from 0 to 65535, got "70000"',
        'ALLOWED_ORIGINS "https://example.com/path" is not an origin pattern (host, *.host or scheme://host[:port])',
        'MAX_PAYLOAD_BYTES must be a whole number from 64 to 1048576, got "16k"',
        'HEADERS_TIMEOUT_MS must be a whole number from 100 to 600000, got "5"',
        'TRUST_PROXY must be a number of proxy hops (0-99), true (1) or false (0), got "maybe"',
        'MAX_SEND_BACKLOG_BYTES must be a whole number from 65536 to 1073741824, got "1000"',
        'REDIS_URL must look like redis://host:6379, got "localhost:6379"',
      ],
    })
  })

  it('lists every variable in --help', () => {
    for (const name of [
      'PORT',
      'HOST',
      'ALLOWED_ORIGINS',
      'MAX_PAYLOAD_BYTES',
      'EVENTS_PER_SECOND',
      'MAX_SEND_BACKLOG_BYTES',
      'REDIS_URL',
    ]) {
      expect(helpText()).toContain(name)
    }
  })
})
