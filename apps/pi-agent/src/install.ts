import { existsSync } from 'node:fs'
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadPinMap } from './pin-map.js'
import type { CommandRunner } from './run-command.js'
import { DEFAULT_SERVICE_USER, renderEnvironmentFile, renderUnit } from './systemd-unit.js'

export const UNIT_NAME = 'keyroom-pi.service'

export interface InstallOptions {
  /** The pairing link the service joins with. */
  link: string
  /** Absolute path of the pin map. */
  pins: string
  run: CommandRunner
  /** @default process.execPath */
  node?: string
  /** @default builtMainPath() */
  main?: string
  /** @default '/etc/systemd/system' */
  unitDir?: string
  /** @default '/etc/keyroom-pi' */
  etcDir?: string
  /** @default 'keyroom-pi' */
  user?: string
  name?: string
  /** Progress lines for the person installing. */
  say: (line: string) => void
}

export class InstallError extends Error {}

/** The built entry point systemd runs (production runs dist/, not the TypeScript source). */
export function builtMainPath(): string {
  const here = fileURLToPath(import.meta.url)
  return here.endsWith('.ts') ? join(dirname(here), '..', 'dist', 'main.js') : join(dirname(here), 'main.js')
}

/**
 * Installs the agent as a systemd service: checks the map and the built files, creates the service user (in the
 * `gpio` group), writes the root-only environment file with the link and the unit, then reloads systemd and
 * enables the service. Returns the unit's path.
 */
export async function install(options: InstallOptions): Promise<string> {
  const { run, say } = options
  const user = options.user ?? DEFAULT_SERVICE_USER
  const node = options.node ?? process.execPath
  const main = options.main ?? builtMainPath()
  const unitDir = options.unitDir ?? '/etc/systemd/system'
  const etcDir = options.etcDir ?? '/etc/keyroom-pi'
  if (!isAbsolute(options.pins))
    throw new InstallError(`--pins must be an absolute path, not ${options.pins}`)
  const map = loadPinMap(options.pins)
  if (!map.ok) throw new InstallError(map.error.message)
  if (!existsSync(main)) throw new InstallError(`${main} does not exist: build first (pnpm -r build)`)
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) throw new InstallError(`"${user}" is not a valid user name`)

  const must = async (command: string, args: string[]) => {
    const result = await run(command, args)
    if (result.code !== 0) {
      throw new InstallError(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`)
    }
    return result
  }
  if ((await run('getent', ['group', 'gpio'])).code !== 0) {
    throw new InstallError(
      'there is no "gpio" group (Raspberry Pi OS has one): create it and a udev rule first',
    )
  }
  if ((await run('id', ['-u', user])).code !== 0) {
    await must('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      '--groups',
      'gpio',
      user,
    ])
    say(`created system user ${user} (group gpio)`)
  }

  await mkdir(etcDir, { recursive: true, mode: 0o755 })
  const environmentFile = join(etcDir, 'keyroom-pi.env')
  await writeAtomic(environmentFile, renderEnvironmentFile(options.link), 0o600)
  say(`wrote ${environmentFile} (0600: it holds the room key)`)
  const unitFile = join(unitDir, UNIT_NAME)
  const unit = renderUnit({
    node,
    main,
    pins: options.pins,
    environmentFile,
    user,
    ...(options.name === undefined ? {} : { name: options.name }),
  })
  await mkdir(unitDir, { recursive: true })
  await writeAtomic(unitFile, unit, 0o644)
  say(`wrote ${unitFile}`)
  await must('systemctl', ['daemon-reload'])
  await must('systemctl', ['enable', '--now', UNIT_NAME])
  say(`enabled and started ${UNIT_NAME}: follow it with journalctl -u ${UNIT_NAME} -f`)
  return unitFile
}

async function writeAtomic(file: string, text: string, mode: number) {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, text, { mode })
  await chmod(temp, mode)
  await rename(temp, file)
}
