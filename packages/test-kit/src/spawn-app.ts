import { fileURLToPath } from 'node:url'
import type { Cleanup } from './cleanup.js'
import { NODE_FROM_SOURCE, type Spawned, spawnProcess } from './spawn-process.js'
import { tempDir } from './temp-dir.js'

/** The workspace root, where the root scripts (and `pnpm start`) run. */
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/**
 * A keyroom app from its source, as its own process, as `scripts/start.ts` starts one: `entry` is relative to the
 * workspace root (`apps/mac-receiver/src/main.ts`), and the app gets a config folder of its own
 * (`KEYROOM_CONFIG_DIR`, a temp dir unless `configDir` names one). Killed when the test finishes.
 */
export function spawnApp(
  entry: string,
  args: readonly string[],
  options: {
    env?: Record<string, string | undefined>
    configDir?: string
    detached?: boolean
    cleanup?: Cleanup
  } = {},
): Spawned {
  const configDir = options.configDir ?? tempDir('keyroom-app-', options.cleanup)
  return spawnProcess(process.execPath, [...NODE_FROM_SOURCE, entry, ...args], {
    cwd: WORKSPACE_ROOT,
    env: { KEYROOM_CONFIG_DIR: configDir, ...options.env },
    ...(options.detached ? { detached: true } : {}),
    ...(options.cleanup ? { cleanup: options.cleanup } : {}),
  })
}
