import { existsSync } from 'node:fs'
import { chmod, mkdir, readdir, rm } from 'node:fs/promises'
import { basename, isAbsolute, join, resolve } from 'node:path'
import {
  builtMainPath,
  type CommandRunner,
  createSystemdService,
  pairedRoom,
  type ServiceManager,
  writeFileAtomic,
} from '@keyroom/device-kit'
import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { loadLayout } from './keyboard-layout.js'
import { loadPinMap } from './pin-map.js'
import {
  DEFAULT_SERVICE_USER,
  HID_UNIT_NAME,
  renderHidgUdevRule,
  renderHidUnit,
  renderUnit,
} from './systemd-unit.js'

export const UNIT_NAME = 'keyroom-pi.service'
export const HIDG_UDEV_RULE = '70-keyroom-pi-hidg.rules'
const DEFAULT_UDEV_DIR = '/etc/udev/rules.d'

export interface InstallOptions {
  /** The state dir `pair` filled (identity, room, devices): the service's KEYROOM_CONFIG_DIR, its user's only. */
  stateDir: string
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
  /** Where an older keyroom kept the room key (`keyroom-pi.env`), removed on install. @default '/etc/keyroom-pi' */
  etcDir?: string
  /** @default '/etc/udev/rules.d' */
  udevDir?: string
  /** @default 'keyroom-pi' */
  user?: string
  name?: string
  /** Progress lines for the person installing. */
  say: (line: string) => void
  /** Check everything, then say what would be written and run instead of doing it. */
  dryRun?: boolean
}

const DEFAULT_UNIT_DIR = '/etc/systemd/system'
const DEFAULT_ETC_DIR = '/etc/keyroom-pi'
const environmentFileIn = (etcDir: string) => join(etcDir, 'keyroom-pi.env')

/** The USB gadget's boot unit (`install --driver hid`). */
const hidService = (run: CommandRunner, unitDir = DEFAULT_UNIT_DIR): ServiceManager =>
  createSystemdService({ run, unitName: HID_UNIT_NAME, scope: 'system', unitDir })

/** The agent's systemd unit, behind device-kit's service interface. */
export const piService = (run: CommandRunner, unitDir = DEFAULT_UNIT_DIR): ServiceManager =>
  createSystemdService({ run, unitName: UNIT_NAME, scope: 'system', unitDir })

const underHome = (path: string) => /^\/(home|root)(\/|$)/.test(path)

/**
 * Installs the agent as a systemd service: checks the pairing, the map and the built files, creates the service
 * user (in the `gpio` group), hands it the paired state dir (owner only: it holds the Pi's private key), writes the
 * unit, then reloads systemd and enables the service. Returns the unit's path.
 */
export async function install(options: InstallOptions): Promise<Result<string, ProtocolError>> {
  const { run, say } = options
  const dryRun = options.dryRun === true
  /** A file of the install: written, or in a dry run shown (`shown` stands in for secrets) with its path. */
  const write = async (file: string, text: string, mode: number, shown = text) => {
    if (dryRun) say(`would write ${file} (mode 0${mode.toString(8)}):\n${shown.trimEnd()}`)
    else await writeFileAtomic(file, text, mode)
  }
  /** A unit behind the service manager: installed (reload, enable, start), or in a dry run shown. */
  const installUnit = async (manager: ServiceManager, unit: string) => {
    if (!dryRun) return manager.install(unit)
    await write(manager.file, unit, 0o644)
    return ok(`would reload systemd and enable --now ${basename(manager.file)}`)
  }
  const user = options.user ?? DEFAULT_SERVICE_USER
  const node = options.node ?? process.execPath
  const main = options.main ?? builtMainPath(import.meta.url)
  const unitDir = options.unitDir ?? DEFAULT_UNIT_DIR
  const { pins, hid } = options
  const stateDir = resolve(options.stateDir)
  // ProtectHome= hides /home and /root from the service: it could not read its own identity there.
  if (underHome(stateDir))
    return fail(
      'usage',
      `the paired state dir ${stateDir} is under /home or /root, which the service cannot see: pair with KEYROOM_CONFIG_DIR=/var/lib/keyroom-pi, then install with the same`,
    )
  const paired = pairedRoom({ tool: 'keyroom-pi', configDir: stateDir })
  if (!paired.ok)
    return fail(
      'usage',
      `${paired.error.message} (as root, with KEYROOM_CONFIG_DIR=${stateDir}, the dir install gives the service)`,
    )
  if (pins === undefined && !hid) return fail('usage', '--pins is required (or --driver hid)')
  if (pins !== undefined) {
    if (!isAbsolute(pins)) return fail('usage', `--pins must be an absolute path, not ${pins}`)
    const map = loadPinMap(pins)
    if (!map.ok) return fail('usage', map.error.message, map.error.path)
  }
  const layout = hid?.layout
  if (layout !== undefined) {
    if (layout !== 'us' && !isAbsolute(layout)) {
      return fail('usage', `--layout must be us or an absolute path, not ${layout}`)
    }
    const loaded = loadLayout(layout)
    if (!loaded.ok) return fail('usage', loaded.error.message)
  }
  if (!existsSync(main)) return fail('usage', `${main} does not exist: build first (pnpm -r build)`)
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) return fail('usage', `"${user}" is not a valid user name`)

  if (pins !== undefined && (await run('getent', ['group', 'gpio'])).code !== 0) {
    return fail(
      'usage',
      'there is no "gpio" group (Raspberry Pi OS has one): create it and a udev rule first',
    )
  }
  if ((await run('id', ['-u', user])).code !== 0) {
    const args = [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      ...(pins === undefined ? [] : ['--groups', 'gpio']),
      user,
    ]
    if (dryRun) say(`would run useradd ${args.join(' ')}`)
    const created = dryRun ? { code: 0, stderr: '' } : await run('useradd', args)
    if (created.code !== 0) {
      return fail(
        'service-failed',
        `useradd ${args.join(' ')} failed (${created.code}): ${created.stderr.trim()}`,
      )
    }
    if (!dryRun) say(`created system user ${user}${pins === undefined ? '' : ' (group gpio)'}`)
  }

  // The identity's private key and the approvals: the service user's alone (it writes approvals and the audit log).
  const chown = ['-R', `${user}:${user}`, stateDir]
  if (dryRun) say(`would run chown ${chown.join(' ')} and make ${stateDir} 0700, its files 0600`)
  else {
    await chmod(stateDir, 0o700)
    for (const entry of await readdir(stateDir, { withFileTypes: true }))
      if (entry.isFile()) await chmod(join(stateDir, entry.name), 0o600)
    const owned = await run('chown', chown)
    if (owned.code !== 0)
      return fail('service-failed', `chown ${chown.join(' ')} failed (${owned.code}): ${owned.stderr.trim()}`)
    say(`${stateDir} belongs to ${user} now (0700): run devices commands as that user`)
  }
  // An older keyroom kept the room key for everyone there; it grants nothing now, but it is a secret to clean up.
  const legacy = environmentFileIn(options.etcDir ?? DEFAULT_ETC_DIR)
  if (existsSync(legacy)) {
    if (dryRun) say(`would remove ${legacy} (an older keyroom's room key)`)
    else {
      await rm(legacy, { force: true })
      say(`removed ${legacy} (an older keyroom's room key)`)
    }
  }
  const unit = renderUnit({
    node,
    main,
    stateDir,
    user,
    ...(pins === undefined ? {} : { pins }),
    ...(hid === undefined ? {} : { hid }),
    ...(options.name === undefined ? {} : { name: options.name }),
  })
  if (hid) {
    const udevDir = options.udevDir ?? DEFAULT_UDEV_DIR
    const rule = join(udevDir, HIDG_UDEV_RULE)
    if (!dryRun) await mkdir(udevDir, { recursive: true })
    await write(rule, renderHidgUdevRule(user), 0o644)
    if (dryRun) say('would run udevadm control --reload-rules')
    else say(`wrote ${rule} (${user} may write /dev/hidg*)`)
    const reloaded = dryRun ? { code: 0, stderr: '' } : await run('udevadm', ['control', '--reload-rules'])
    if (reloaded.code !== 0) {
      return fail(
        'service-failed',
        `udevadm control --reload-rules failed (${reloaded.code}): ${reloaded.stderr.trim()}`,
      )
    }
    // The gadget first: its unit is ordered before the agent's, which Requires= it.
    const gadget = await installUnit(hidService(run, unitDir), renderHidUnit({ node, main }))
    if (!gadget.ok) return gadget
    say(gadget.value)
  }
  const service = piService(run, unitDir)
  const installed = await installUnit(service, unit)
  if (!installed.ok) return installed
  say(installed.value)
  if (dryRun) say('nothing was written (--dry-run)')
  return ok(service.file)
}

/**
 * Stops and removes the service (and an older keyroom's environment file, which held a room key), and what
 * `install --driver hid` added: the gadget's boot unit and the /dev/hidg* udev rule. The service user and the paired
 * state dir stay: a new install uses them again.
 */
export async function uninstall(options: {
  run: CommandRunner
  unitDir?: string
  etcDir?: string
  udevDir?: string
}): Promise<Result<string, ProtocolError>> {
  const removed = await piService(options.run, options.unitDir).uninstall()
  if (!removed.ok) return removed
  await rm(environmentFileIn(options.etcDir ?? DEFAULT_ETC_DIR), { force: true })
  // The agent's unit Requires= the gadget's, so the gadget goes second; "was not installed" is fine.
  const gadget = await hidService(options.run, options.unitDir).uninstall()
  if (!gadget.ok) return gadget
  await rm(join(options.udevDir ?? DEFAULT_UDEV_DIR, HIDG_UDEV_RULE), { force: true })
  return removed
}
