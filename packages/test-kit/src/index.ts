export { requireBinaries, requireBinary } from './binaries.js'
export { captureLogger, type LogLine } from './capture-logger.js'
export { type Cleanup, perSuite, perTest } from './cleanup.js'
export {
  type DeviceMember,
  joinAsDevice,
  joinAsReceiver,
  joinAsRoomMember,
  keyActions,
  notices,
  type PairedDevice,
  pairDeviceDir,
  type RoomFrame,
  type RoomMember,
  waitForDevice,
} from './device-room.js'
export { createFakeRoom, type FakePeer, type FakeRoom } from './fake-room.js'
export { type Direction, type FaultProxy, startFaultProxy } from './fault-proxy.js'
export { freePort } from './free-port.js'
export { parsePlist } from './plist-parse.js'
export { startRedis } from './redis-server.js'
export { startTestRelay, type TestRelay } from './relay.js'
export { startRelayProcess } from './relay-process.js'
export { type RunResult, runFromSource } from './run-from-source.js'
export { spawnApp, WORKSPACE_ROOT } from './spawn-app.js'
export { NODE_FROM_SOURCE, parseJsonLine, type Spawned, spawnProcess } from './spawn-process.js'
export { tempDir } from './temp-dir.js'
