export { fromBase64url, toBase64url } from '@keyroom/key-events'
export { connectDevice } from './connect-device.js'
export {
  createPairingSecret,
  createRoomId,
  formatDeviceLink,
  normalizeRelayUrl,
  parseDeviceLink,
  trustedPeerOf,
} from './device-link.js'
export type * from './device-types.js'
export { normalizeFingerprint } from './fingerprint-text.js'
export {
  createIdentity,
  fingerprint,
  type Identity,
  verificationCode,
} from './identity.js'
export * from './leases.js'
export { createPermissionCheck } from './permissions.js'
export { renderQrSvg, renderQrTerminal } from './qr.js'
export {
  DEVICE_KINDS,
  type DeviceKind,
  deviceKinds,
  nobodyThere,
  parseTarget,
  type Target,
  targetMatches,
} from './targets.js'
export type * from './types.js'
