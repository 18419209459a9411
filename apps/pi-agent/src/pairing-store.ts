import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Result } from '@keyroom/key-events'
import { formatPairingLink, parsePairingLink, type RoomLink } from '@keyroom/room-client'

/**
 * Where the agent keeps its pairing: `KEYROOM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/keyroom` or `~/.config/keyroom`
 * (the same layout as the Mac receiver's, `pairing.json`).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env.KEYROOM_CONFIG_DIR) return env.KEYROOM_CONFIG_DIR
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'keyroom')
}

export const pairingFile = (dir: string) => join(dir, 'pairing.json')

/** Stores the pairing link (it holds the room key) readable by this user only (0600, directory 0700). */
export async function savePairing(dir: string, link: RoomLink): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = pairingFile(dir)
  const temp = `${file}.${process.pid}.tmp`
  const stored = { link: formatPairingLink(link), savedAt: new Date().toISOString() }
  await writeFile(temp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 })
  // An existing file keeps its mode whatever the umask: set it explicitly.
  await chmod(temp, 0o600)
  await rename(temp, file)
  return file
}

/** The stored pairing, or why there is none usable. */
export async function loadPairing(dir: string): Promise<Result<RoomLink>> {
  const file = pairingFile(dir)
  const fail = (code: string, message: string): Result<never> => ({
    ok: false,
    error: { code, message, path: file },
  })
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return fail('not-paired', `no pairing in ${file}: run "keyroom-pi pair" or pass --link`)
    }
    return fail('unreadable-pairing', `cannot read ${file}: ${(error as Error).message}`)
  }
  let stored: unknown
  try {
    stored = JSON.parse(text)
  } catch {
    return fail('invalid-pairing', `${file} is not JSON`)
  }
  const link = (stored as { link?: unknown } | null)?.link
  if (typeof link !== 'string') return fail('invalid-pairing', `${file} has no "link"`)
  const parsed = parsePairingLink(link)
  if (!parsed.ok) return fail('invalid-pairing', `${file}: ${parsed.error.message}`)
  return parsed
}
