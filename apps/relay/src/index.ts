export { configFromEnv, DEFAULT_CONFIG, helpText, type RelayConfig } from './config.js'
export { createOriginCheck } from './origins.js'
export { createRelay, type Relay, type RelayOptions, startRelay } from './relay.js'
export { roomKey } from './rooms.js'
