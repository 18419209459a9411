import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_FROM_SOURCE, runFromSource, spawnProcess, tempDir } from '@keyroom/test-kit'
import { formatDeviceLink } from '../src/device-link.js'
import { openDeviceStore } from '../src/device-store.js'
import type { DeviceLink } from '../src/device-types.js'

/** The CLI's entry point, for a test that runs it with an environment of its own. */
export const CLI_ENTRY = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

/** The `keyroom` CLI of one computer, from source: its own config dir (the device store lands in `cli/` under it). */
export function cliComputer() {
  const config = tempDir('keyroom-cli-')
  const env = { KEYROOM_CONFIG_DIR: config, KEYROOM_LINK: '' }
  const run = (...args: string[]) => runFromSource(CLI_ENTRY, args, { env, timeout: 20_000 })
  return {
    config,
    store: () => openDeviceStore(join(config, 'cli')),
    run,
    /** `keyroom pair --link-file` with the link written to a file, as a user saves it. */
    pair: (link: DeviceLink, ...flags: string[]) => {
      const file = join(config, 'link.txt')
      writeFileSync(file, `${formatDeviceLink(link)}\n`)
      return run('pair', '--link-file', file, ...flags)
    },
    /** A long-running command (`listen`, `send --hold`), as a child process the test reads and stops. */
    spawn: (...args: string[]) =>
      spawnProcess(process.execPath, [...NODE_FROM_SOURCE, CLI_ENTRY, ...args], { env }),
  }
}
