#!/usr/bin/env node
import { configFromEnv, helpText } from './config.js'
import { createRelay } from './relay.js'

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
const relay = createRelay(config.value)
const { port, url } = await relay.listen()
relay.log.info(
  { port, host: config.value.host, keypad: config.value.staticDir ?? null },
  `relay listening on ${url}`,
)
console.log(`keyroom relay listening on ${url} (port ${port})`)

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    relay.log.info({ signal }, 'shutting down')
    void relay.close().then(() => process.exit(0))
  })
}
