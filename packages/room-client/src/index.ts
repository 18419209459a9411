export { fromBase64url, toBase64url } from '@keyroom/key-events'
export { createAcceptor, isRelease } from './acceptance.js'
export { connectDevice } from './connect-device.js'
export { connectRoom } from './connect-room.js'
export {
  createPairingSecret,
  createRoomId,
  formatDeviceLink,
  normalizeRelayUrl,
  parseDeviceLink,
  trustedPeerOf,
} from './device-link.js'
export type * from './device-types.js'
export {
  createIdentity,
  fingerprint,
  type Identity,
  normalizeFingerprint,
  verificationCode,
} from './identity.js'
export * from './leases.js'
export { createRoom, formatPairingLink, parsePairingLink } from './pairing-link.js'
export { createPermissionCheck } from './permissions.js'
export { renderQrSvg, renderQrTerminal } from './qr.js'
export { createSealer, type Sealer } from './seal.js'
export type * from './types.js'
