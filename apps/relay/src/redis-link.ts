import { createShardedAdapter } from '@socket.io/redis-adapter'
import type { Logger } from 'pino'
import { createClient } from 'redis'
import type { Server } from 'socket.io'

export type RedisState = 'up' | 'down'

/** How long the relay waits for Redis at start before giving up with a clear error. */
const CONNECT_TIMEOUT_MS = 10_000

/**
 * The link to Redis for Socket.IO's sharded adapter: on Redis 7 each room gets its own sharded channel, so a
 * relay hears only the rooms it hosts.
 *
 * While Redis is away the relay must keep serving its local rooms. The adapter publishes before it delivers
 * locally, so the publishing client fails fast instead of queueing (`disableOfflineQueue`): local delivery goes
 * on and cross-relay events of the outage are dropped (late key events are wrong anyway). The subscribing client
 * queues, so rooms created during the outage are subscribed when Redis is back.
 */
export async function connectRedis(url: string, log: Logger) {
  const pub = createClient({ url, disableOfflineQueue: true })
  const sub = createClient({ url })
  let state: RedisState = 'down'
  let lastError = ''
  const onError = (error: Error) => {
    // Reconnect attempts repeat the same error; log each distinct one once.
    if (error.message === lastError) return
    lastError = error.message
    log.warn({ err: error.message }, `redis unavailable, serving local rooms only: ${error.message}`)
  }
  for (const client of [pub, sub]) {
    client.on('error', onError)
    client.on('end', () => {
      state = 'down'
    })
  }
  // The sharded adapter calls these and drops their promises: when Redis goes away, or this link closes with a
  // (un)subscription still queued, the rejection would be unhandled and end the process. Count it as an error.
  for (const method of ['sSubscribe', 'sUnsubscribe'] as const) {
    const original = sub[method].bind(sub) as (...args: unknown[]) => Promise<unknown>
    ;(sub as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const pending = original(...args)
      pending.catch((error: Error) => onError(error))
      return pending
    }
  }
  pub.on('ready', () => {
    if (state === 'down' && lastError) log.info({ url }, 'redis is back, rooms are shared again')
    state = 'up'
    lastError = ''
  })
  pub.on('reconnecting', () => {
    state = 'down'
  })

  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`cannot reach Redis at ${url} within ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    )
    timer.unref()
  })
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout])
  } catch (error) {
    pub.destroy()
    sub.destroy()
    throw error
  }
  state = 'up'

  return {
    state: (): RedisState => state,
    attach(io: Server): void {
      io.adapter(createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' }))
    },
    async close(): Promise<void> {
      pub.destroy()
      sub.destroy()
    },
  }
}
export type RedisLink = Awaited<ReturnType<typeof connectRedis>>
