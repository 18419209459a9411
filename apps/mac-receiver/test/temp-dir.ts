import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

/** A temporary folder, removed when the test ends (or by the given cleanup). */
export async function tempDir(
  cleanup: (fn: () => unknown) => void = (fn) => onTestFinished(async () => void (await fn())),
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'keyroom-receiver-'))
  cleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}
