#!/usr/bin/env node
import { configFromEnv, helpText } from './config.js'
import { startRelay } from './relay.js'
import { readTlsFiles } from './tls-files.js'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText())
  process.exit(0)
}
const config = configFromEnv(process.env)
if (!config.ok) {
  console.error(
    `keyroom-relay: bad configuration\n  ${config.errors.join('\n  ')}\nRun with --help for the list.`,
  )
  process.exit(2)
}
const { tlsCertPath, tlsKeyPath } = config.value
const tls = tlsCertPath && tlsKeyPath ? readTlsFiles(tlsCertPath, tlsKeyPath) : undefined
if (tls && !tls.ok) {
  console.error(`keyroom-relay: bad configuration\n  ${tls.error}`)
  process.exit(2)
}
const started = await startRelay({ ...config.value, ...(tls && { tls: tls.value }) }).catch(
  (error: Error) => {
    console.error(`keyroom-relay: cannot start: ${error.message}`)
    process.exit(1)
  },
)
const { relay, url, port } = started
relay.log.info(
  {
    port,
    host: relay.config.host,
    keypad: relay.config.staticDir ?? null,
    redis: relay.config.redisUrl ?? null,
    tls: tlsCertPath ?? null,
  },
  `relay listening on ${url}`,
)
console.log(`keyroom relay listening on ${url} (port ${port})`)

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    relay.log.info({ signal }, 'shutting down')
    void relay.close().then(() => process.exit(0))
  })
}
