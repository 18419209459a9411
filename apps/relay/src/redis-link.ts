import { createShardedAdapter } from '@socket.io/redis-adapter'
import type { Logger } from 'pino'
import { createClient } from 'redis'
import type { Server } from 'socket.io'
import { watchForStall } from './stall-watch.js'

/** `stalled`: connected, but Redis answers nothing (SIGSTOP, a dead disk): as good as down, and TCP never says so. */
export type RedisState = 'up' | 'down' | 'stalled'

/** How long the relay waits for Redis at start before giving up with a clear error. */
const CONNECT_TIMEOUT_MS = 10_000
/** A PING this often, one at a time; unanswered after the deadline, Redis counts as stalled (seen within 2 s). */
const PING_INTERVAL_MS = 1_000
const PING_DEADLINE_MS = 1_000
/**
 * Commands the client has not written yet (while its socket is full or reconnecting) fail after this, and at most
 * this many wait: a stalled Redis costs the relay bounded memory. Written ones wait for the stall to end.
 */
const COMMAND_TIMEOUT_MS = 2_000
const MAX_QUEUED_COMMANDS = 10_000

/** The part of the adapter the relay reaches into: see `attach`. */
interface PublishingAdapter {
  doPublish(message: unknown): Promise<string>
}

/**
 * The link to Redis for Socket.IO's sharded adapter: on Redis 7 each room gets its own sharded channel, so a
 * relay hears only the rooms it hosts.
 *
 * While Redis is away or stalled the relay must keep serving its local rooms: local delivery never waits for a
 * publish (see `attach`), nothing is published while Redis is not `up`, and the publishing client fails fast
 * instead of queueing (`disableOfflineQueue`), so cross-relay events of the outage are dropped (late key events
 * are wrong anyway). The subscribing client queues, so rooms created during the outage are subscribed when Redis
 * is back.
 */
export async function connectRedis(url: string, log: Logger) {
  const limits = {
    commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
  }
  const pub = createClient({ url, disableOfflineQueue: true, ...limits })
  const sub = createClient({ url, ...limits })
  let connection: 'up' | 'down' = 'down'
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
      connection = 'down'
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
    if (connection === 'down' && lastError) log.info({ url }, 'redis is back, rooms are shared again')
    connection = 'up'
    lastError = ''
  })
  pub.on('reconnecting', () => {
    connection = 'down'
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
  connection = 'up'
  const stall = watchForStall({
    ping: () => pub.ping(),
    intervalMs: PING_INTERVAL_MS,
    deadlineMs: PING_DEADLINE_MS,
    onStalled: () =>
      log.warn(
        { url },
        `redis stalled: no answer to PING within ${PING_DEADLINE_MS} ms, serving local rooms only`,
      ),
    onAnswered: () => log.info({ url }, 'redis is back, rooms are shared again'),
  })
  const state = (): RedisState => (connection === 'down' ? 'down' : stall.stalled() ? 'stalled' : 'up')

  return {
    state,
    /**
     * The adapter publishes each broadcast and only then delivers it here (socket.io-adapter's ClusterAdapter
     * awaits the publish), so a stalled Redis held every local room up. Its publish now resolves at once: the
     * message is encoded and handed to the client synchronously, local delivery follows a microtask later in
     * the same order, and Redis's answer is waited for by no one. Nothing goes out while Redis is not `up`.
     */
    attach(io: Server): void {
      const sharded = createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' })
      io.adapter(function localFirst(this: unknown, nsp: Parameters<typeof sharded>[0]) {
        const adapter = sharded(nsp) as unknown as PublishingAdapter
        const publish = adapter.doPublish.bind(adapter)
        adapter.doPublish = (message) => {
          if (state() === 'up') publish(message).catch(onError)
          return Promise.resolve('')
        }
        return adapter
      } as unknown as typeof sharded)
    },
    async close(): Promise<void> {
      stall.stop()
      pub.destroy()
      sub.destroy()
    },
  }
}
export type RedisLink = Awaited<ReturnType<typeof connectRedis>>
