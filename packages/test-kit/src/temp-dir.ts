import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Cleanup, perTest } from './cleanup.js'

/** A new folder under the system's temp dir, removed when the test finishes (or by `cleanup`). */
export function tempDir(prefix = 'keyroom-test-', cleanup: Cleanup = perTest): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanup(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
