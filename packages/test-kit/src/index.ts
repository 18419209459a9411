export { freePort } from './free-port.js'
export { type Spawned, spawnProcess } from './spawn-process.js'
