import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Result } from '@keyroom/key-events'
import { formatPairingLink, parsePairingLink } from './pairing-link.js'
import type { RoomLink } from './types.js'

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

export const pairingFile = (dir: string) => join(dir, 'pairing.json')

interface StoredPairing {
  link: string
  savedAt: string
}

/** Stores the pairing link (it holds the room key) readable by this user only. */
export async function savePairing(dir: string, link: RoomLink): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = pairingFile(dir)
  const temp = `${file}.${process.pid}.tmp`
  const stored: StoredPairing = { link: formatPairingLink(link), savedAt: new Date().toISOString() }
  await writeFile(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 })
  // The umask can only take bits away, but an existing file keeps its mode: set it explicitly.
  await chmod(temp, 0o600)
  await rename(temp, file)
  return file
}

/**
 * The stored pairing, or why there is none usable.
 * @param pairCommand what the user runs to pair, named in the error when there is no pairing
 */
export async function loadPairing(dir: string, pairCommand: string): Promise<Result<RoomLink>> {
  const file = pairingFile(dir)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    return {
      ok: false,
      error: {
        code: missing ? 'not-paired' : 'unreadable-pairing',
        message: missing
          ? `no pairing in ${file}: run "${pairCommand}" or pass --link`
          : `cannot read ${file}: ${String(error)}`,
        path: file,
      },
    }
  }
  let stored: unknown
  try {
    stored = JSON.parse(text)
  } catch {
    return { ok: false, error: { code: 'invalid-pairing', message: `${file} is not JSON`, path: file } }
  }
  const link = (stored as Partial<StoredPairing> | null)?.link
  if (typeof link !== 'string') {
    return { ok: false, error: { code: 'invalid-pairing', message: `${file} has no "link"`, path: file } }
  }
  const parsed = parsePairingLink(link)
  if (!parsed.ok) {
    return {
      ok: false,
      error: { ...parsed.error, code: 'invalid-pairing', message: `${file}: ${parsed.error.message}` },
    }
  }
  return parsed
}
