import { homedir } from 'node:os'
import { join } from 'node:path'

export interface ConfigDirOptions {
  env?: NodeJS.ProcessEnv
  platform?: string
  home?: string
}

/**
 * Node only (`@keyroom/room-client/pairing-store`): where a device (the Mac receiver, the Pi agent) keeps its
 * pairing link. Where: `KEYROOM_CONFIG_DIR`, else `~/Library/Application Support/keyroom` on macOS,
 * else `$XDG_CONFIG_HOME/keyroom` or `~/.config/keyroom`.
 */
export function configDir(options: ConfigDirOptions = {}): string {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform
  const home = options.home ?? homedir()
  if (env.KEYROOM_CONFIG_DIR) return env.KEYROOM_CONFIG_DIR
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'keyroom')
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'keyroom')
}

/** Where keyroom before per-device trust kept its pairing link (one room key for everyone): found, it means pair again. */
export const pairingFile = (dir: string) => join(dir, 'pairing.json')
