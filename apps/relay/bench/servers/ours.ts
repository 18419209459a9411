import { RAISED_LIMITS } from '../config.js'
import { serveBench } from './harness.js'

type RelayModule = typeof import('../../src/index.js')

/** keyroom's relay as shipped, with its rate and connection limits lifted out of the bench's way. */
serveBench(async () => {
  // The bench passes the relay transpiled as production runs it (see build-relay.ts); the source is the fallback.
  const entry = process.env.BENCH_RELAY_ENTRY ?? '../../src/index.js'
  const { startRelay } = (await import(entry)) as RelayModule
  const { relay, port, close } = await startRelay({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...RAISED_LIMITS,
  })
  return {
    port,
    connections: () => relay.io.engine.clientsCount,
    heartbeatMs: relay.io.engine.opts.pingInterval,
    close,
  }
})
