import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir as makeTempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { createRoom } from './pairing-link.js'
import { configDir, loadPairing, pairingFile, savePairing } from './pairing-store.js'

async function tempDir() {
  const dir = makeTempDir('keyroom-pairing-')
  return dir
}

describe('pairing store', () => {
  it('picks the config folder per platform, and KEYROOM_CONFIG_DIR wins', () => {
    expect(configDir({ env: {}, platform: 'darwin', home: '/Users/ann' })).toBe(
      '/Users/ann/Library/Application Support/keyroom',
    )
    expect(configDir({ env: {}, platform: 'linux', home: '/home/ann' })).toBe('/home/ann/.config/keyroom')
    expect(configDir({ env: { XDG_CONFIG_HOME: '/x' }, platform: 'linux', home: '/home/ann' })).toBe(
      '/x/keyroom',
    )
    expect(configDir({ env: { KEYROOM_CONFIG_DIR: '/k' }, platform: 'darwin', home: '/Users/ann' })).toBe(
      '/k',
    )
  })

  it('saves the link readable by this user only and loads it back', async () => {
    const dir = join(await tempDir(), 'nested')
    const link = createRoom('http://127.0.0.1:4000')
    const file = await savePairing(dir, link)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    const loaded = await loadPairing(dir, 'keyroom-receiver pair')
    expect(loaded).toEqual({ ok: true, value: { relay: link.relay, room: link.room, key: link.key } })
  })

  it('says what is wrong with a missing or broken pairing', async () => {
    const dir = await tempDir()
    expect(await loadPairing(dir, 'keyroom-receiver pair')).toMatchObject({
      ok: false,
      error: { code: 'not-paired' },
    })
    await writeFile(pairingFile(dir), '{nope')
    expect(await loadPairing(dir, 'keyroom-receiver pair')).toMatchObject({
      ok: false,
      error: { code: 'invalid-pairing' },
    })
    await writeFile(
      pairingFile(dir),
      JSON.stringify({ link: 'http://x/#relay=http%3A%2F%2Fx&room=abc&key=k' }),
    )
    expect(await loadPairing(dir, 'keyroom-receiver pair')).toMatchObject({
      ok: false,
      error: { code: 'invalid-pairing', message: expect.stringContaining('room must be') },
    })
  })
})
