// What `pnpm start` keeps between runs: its receiver's room (while the relay URL stays), and a view-only identity for
// its readiness check that never takes the phone's pairing window.
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { CHECK_NAME, checkIdentity, pairStartReceiver, receiverDir } from './start-room.js'

describe('start-room', () => {
  it('keeps the room while the relay URL is the same, with a new window each run; a new room for a new URL', async () => {
    const dir = tempDir()
    const first = await pairStartReceiver(dir, 'http://127.0.0.1:7300', 'laptop')
    const again = await pairStartReceiver(dir, 'http://127.0.0.1:7300', 'laptop')
    expect(again.room).toBe(first.room)
    expect(again.peer).toEqual(first.peer)
    expect(again.pairingSecret).not.toEqual(first.pairingSecret)
    expect(again.name).toBe('laptop')
    const moved = await pairStartReceiver(dir, 'https://192.168.1.20:7300', 'laptop')
    expect(moved.room).not.toBe(first.room)
    expect(moved.peer).toEqual(first.peer)
    expect(openDeviceStore(receiverDir(dir)).room()).toEqual({
      relay: 'https://192.168.1.20:7300',
      room: moved.room,
    })
  })

  it('the check identity is kept, approved view-only, not admin, and leaves the pairing window unused', async () => {
    const dir = tempDir()
    await pairStartReceiver(dir, 'http://127.0.0.1:7300', 'laptop')
    const identity = checkIdentity(dir)
    expect(checkIdentity(dir).fingerprint).toBe(identity.fingerprint)
    const store = openDeviceStore(receiverDir(dir))
    expect(store.devices()).toEqual([
      expect.objectContaining({
        name: CHECK_NAME,
        fingerprint: identity.fingerprint,
        state: 'approved',
        permissions: { viewOnly: true },
      }),
    ])
    expect(store.devices()[0]?.admin).toBeUndefined()
    expect(store.read().pairing?.used).toBe(false)
  })

  it('a check identity the user revoked stays revoked', async () => {
    const dir = tempDir()
    const identity = checkIdentity(dir)
    const store = openDeviceStore(receiverDir(dir))
    expect(store.revoke(identity.fingerprint).ok).toBe(true)
    checkIdentity(dir)
    expect(store.devices()).toEqual([expect.objectContaining({ state: 'revoked' })])
  })
})
