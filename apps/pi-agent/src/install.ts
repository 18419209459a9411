import { existsSync } from 'node:fs'
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadLayout } from './keyboard-layout.js'
import { loadPinMap } from './pin-map.js'
import type { CommandRunner } from './run-command.js'
import {
  DEFAULT_SERVICE_USER,
  HID_UNIT_NAME,
  renderEnvironmentFile,
  renderHidgUdevRule,
  renderHidUnit,
  renderUnit,
} from './systemd-unit.js'

export const UNIT_NAME = 'keyroom-pi.service'
export const HIDG_UDEV_RULE = '70-keyroom-pi-hidg.rules'

export interface InstallOptions {
  /** The pairing link the service joins with. */
  link: string
  /** Absolute path of the pin map; optional with `hid`. */
  pins?: string
  /** Also be a USB keyboard: the gadget's boot unit, a udev rule for /dev/hidg*, `--driver hid`. */
  hid?: { layout?: string }
  run: CommandRunner
  /** @default process.execPath */
  node?: string
  /** @default builtMainPath() */
  main?: string
  /** @default '/etc/systemd/system' */
  unitDir?: string
  /** @default '/etc/keyroom-pi' */
  etcDir?: string
  /** @default '/etc/udev/rules.d' */
  udevDir?: string
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
 * `gpio` group when there are pins), writes the root-only environment file with the link and the unit (with `hid`
 * also the gadget's boot unit and a udev rule for /dev/hidg*), then reloads systemd and enables the service.
 * Returns the unit's path.
 */
export async function install(options: InstallOptions): Promise<string> {
  const { run, say } = options
  const user = options.user ?? DEFAULT_SERVICE_USER
  const node = options.node ?? process.execPath
  const main = options.main ?? builtMainPath()
  const unitDir = options.unitDir ?? '/etc/systemd/system'
  const etcDir = options.etcDir ?? '/etc/keyroom-pi'
  const { pins, hid } = options
  if (pins === undefined && !hid) throw new InstallError('--pins is required (or --driver hid)')
  if (pins !== undefined) {
    if (!isAbsolute(pins)) throw new InstallError(`--pins must be an absolute path, not ${pins}`)
    const map = loadPinMap(pins)
    if (!map.ok) throw new InstallError(map.error.message)
  }
  const layout = hid?.layout
  if (layout !== undefined) {
    if (layout !== 'us' && !isAbsolute(layout)) {
      throw new InstallError(`--layout must be us or an absolute path, not ${layout}`)
    }
    const loaded = loadLayout(layout)
    if (!loaded.ok) throw new InstallError(loaded.error.message)
  }
  if (!existsSync(main)) throw new InstallError(`${main} does not exist: build first (pnpm -r build)`)
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) throw new InstallError(`"${user}" is not a valid user name`)

  const must = async (command: string, args: string[]) => {
    const result = await run(command, args)
    if (result.code !== 0) {
      throw new InstallError(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`)
    }
    return result
  }
  if (pins !== undefined && (await run('getent', ['group', 'gpio'])).code !== 0) {
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
      ...(pins === undefined ? [] : ['--groups', 'gpio']),
      user,
    ])
    say(`created system user ${user}${pins === undefined ? '' : ' (group gpio)'}`)
  }

  await mkdir(etcDir, { recursive: true, mode: 0o755 })
  const environmentFile = join(etcDir, 'keyroom-pi.env')
  await writeAtomic(environmentFile, renderEnvironmentFile(options.link), 0o600)
  say(`wrote ${environmentFile} (0600: it holds the room key)`)
  const unitFile = join(unitDir, UNIT_NAME)
  const unit = renderUnit({
    node,
    main,
    environmentFile,
    user,
    ...(pins === undefined ? {} : { pins }),
    ...(hid === undefined ? {} : { hid }),
    ...(options.name === undefined ? {} : { name: options.name }),
  })
  await mkdir(unitDir, { recursive: true })
  if (hid) {
    const udevDir = options.udevDir ?? '/etc/udev/rules.d'
    const rule = join(udevDir, HIDG_UDEV_RULE)
    await mkdir(udevDir, { recursive: true })
    await writeAtomic(rule, renderHidgUdevRule(user), 0o644)
    say(`wrote ${rule} (${user} may write /dev/hidg*)`)
    await must('udevadm', ['control', '--reload-rules'])
    const hidUnit = join(unitDir, HID_UNIT_NAME)
    await writeAtomic(hidUnit, renderHidUnit({ node, main }), 0o644)
    say(`wrote ${hidUnit} (runs hid setup at boot, before the agent)`)
  }
  await writeAtomic(unitFile, unit, 0o644)
  say(`wrote ${unitFile}`)
  await must('systemctl', ['daemon-reload'])
  if (hid) await must('systemctl', ['enable', '--now', HID_UNIT_NAME])
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
