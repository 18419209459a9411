export { type Direction, type FaultProxy, startFaultProxy } from './fault-proxy.js'
export { freePort } from './free-port.js'
export { parsePlist } from './plist-parse.js'
export { NODE_FROM_SOURCE, type Spawned, spawnProcess } from './spawn-process.js'
