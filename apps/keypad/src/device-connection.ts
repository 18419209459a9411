// Loaded after the first render (a dynamic import in main.tsx): the handshake's curves and this phone's identity
// are most of the keypad's crypto, and nothing before the first room join needs them.
import {
  type ConnectDeviceOptions,
  connectDevice,
  type DeviceRoomConnection,
  fingerprint,
} from '@keyroom/room-client'
import { type KeptAs, keptIdentity } from './device-identity.js'

export interface DeviceConnector {
  /** This phone's fingerprint, for the pairing panel and the join dialog. */
  fingerprint: string
  keptAs: KeptAs
  /** A receiver's fingerprint, from the key its link carries. */
  fingerprintOf(key: Uint8Array): string
  connect(options: Omit<ConnectDeviceOptions, 'identity'>): DeviceRoomConnection
}

export async function deviceConnector(
  idb: IDBFactory | undefined,
  subtle: SubtleCrypto | undefined,
): Promise<DeviceConnector> {
  const { identity, keptAs } = await keptIdentity(idb, subtle)
  return {
    fingerprint: identity.fingerprint,
    keptAs,
    fingerprintOf: fingerprint,
    connect: (options) => connectDevice({ ...options, identity }),
  }
}
