import { describe, expect, it } from 'vitest'
import { configDir, pairingFile } from './pairing-store.js'

describe('config dir', () => {
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

  it("names an older keyroom's pairing file, which device-kit looks for to say pair again", () => {
    expect(pairingFile('/k')).toBe('/k/pairing.json')
  })
})
