import { parseArgs } from 'node:util'
import {
  type CliSpec,
  type DevicesCommand,
  nameOf,
  type PairCommand,
  parseDeviceCli,
  type UsageError,
} from '@keyroom/device-kit'
import { fail, ok, type Result } from '@keyroom/key-events'

export const HELP = `keyroom-pi: drive Raspberry Pi GPIO pins, or be a USB keyboard and mouse, from a keyroom room

  keyroom-pi pair --relay <url> [--window <seconds>] [--name <name>] [--keypad <url>]
      make a room, store this Pi's identity and the room, and open a pairing window (default 600 s): prints the
      Pi's link and QR code; the first keypad to open it within the window is approved
  keyroom-pi pair --link-file <file> | --link -  [--window <seconds>] [--name <name>]
      join another device's room (e.g. the Mac receiver's link, from a file or stdin) and print this Pi's own link
  keyroom-pi pair [--window <seconds>]   a new pairing window in the room it is in
  keyroom-pi devices list|log [--json]   the devices that asked to act here, and the audit log
  keyroom-pi devices approve <code or fingerprint> | devices revoke <name or fingerprint>
      a running agent takes the change within a second (a revoked device's held pins go to rest)
  keyroom-pi [run] --pins <file> [--driver onoff|sim] [--name <name>]
  keyroom-pi [run] --driver hid [--pins <file>] [--layout us|<file>] [--hid-device <path>]
                   [--hid-mouse-device <path>] [--hid-consumer-device <path>] [--name <name>]
      Join the paired room and drive the pins for approved devices.
      The driver defaults to onoff where /sys/class/gpio is writable, sim elsewhere (JSON lines on stdout;
      with sim, stdin lines like {"pin":22,"value":0} play edges on input pins).
      --driver hid types into the computer the Pi is plugged into (after keyroom-pi hid setup), beside the pins
      of --pins if given; text is typed for the target's --layout (default us). Devices default to
      /dev/hidg0 (keyboard), /dev/hidg1 (mouse), /dev/hidg2 (media keys).
      SIGUSR2 reloads the pin map; SIGTERM/SIGINT/SIGHUP put every output in its safe state and release every key.
      On a terminal the log is lines for a person ("keypad joined"); --json (or output to a pipe or the journal)
      gives JSON lines.
  keyroom-pi hid setup [--configfs-root <dir>] [--udc-dir <dir>] [--udc <name>]
      (as root) create the USB gadget (boot keyboard, mouse, media keys) in configfs and bind it to the UDC
  keyroom-pi hid teardown [--configfs-root <dir>]   (as root) unbind and remove it
  keyroom-pi install [--pins <abs file>] [--driver hid] [--layout us|<abs file>] [--user keyroom-pi]
                     [--name <name>] [--dry-run]
      (as root, after pair with the same KEYROOM_CONFIG_DIR, e.g. /var/lib/keyroom-pi) create the service user,
      give it the paired state dir (0700, its own), write the systemd unit and enable it; with --driver hid also
      keyroom-pi-hid.service (hid setup at boot, before the agent) and a udev rule.
      --dry-run checks the same things, then prints each file it would write and each command it would run, and
      changes nothing.
  keyroom-pi safe-outputs [--pins <file>] [--driver hid] [--hid-device <path>] [--hid-mouse-device <path>]
                          [--hid-consumer-device <path>]
      every mapped output to its rest level and unexported, and all-zero HID reports: what the unit's
      ExecStopPost runs, so a crashed or SIGKILLed agent leaves nothing engaged
  keyroom-pi uninstall    (as root) stop and remove the service(s)
  keyroom-pi status       show the pairing and the service

Environment: KEYROOM_CONFIG_DIR (the state dir: identity, room, devices, audit log), KEYROOM_RELAY,
KEYROOM_LINK (another device's link, for pair), LOG_LEVEL.`

export type Driver = 'onoff' | 'sim' | 'hid'
const DRIVERS: readonly string[] = ['onoff', 'sim', 'hid']

/** `--layout`, `--hid-device` and friends, as given. */
export interface HidFlags {
  layout?: string
  devices: { keyboard?: string; mouse?: string; consumer?: string }
}

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; pins?: string; driver?: Driver; name?: string; hid?: HidFlags; json?: true }
  | { kind: 'hid'; action: 'setup' | 'teardown'; configfsRoot?: string; udcDir?: string; udc?: string }
  | PairCommand
  | DevicesCommand
  | {
      kind: 'install'
      pins?: string
      user?: string
      name?: string
      hid?: { layout?: string }
      dryRun?: true
    }
  | { kind: 'safe-outputs'; pins?: string; hid?: HidFlags['devices'] }
  | { kind: 'uninstall' }
  | { kind: 'status' }

type HidFlag = 'layout' | 'hid-device' | 'hid-mouse-device' | 'hid-consumer-device'
type Flag = 'pins' | 'driver' | 'user' | HidFlag
const HID_FLAGS: readonly HidFlag[] = ['layout', 'hid-device', 'hid-mouse-device', 'hid-consumer-device']
const SPEC: CliSpec<Flag> = {
  run: ['pins', 'driver', ...HID_FLAGS],
  install: ['pins', 'user', 'driver', 'layout'],
}
/** Reads the command line (verbs and common flags are device-kit's); a bare `--pins` run is `run`. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Result<Command, UsageError> {
  const args = argv[0] === '--' ? argv.slice(1) : argv
  if (args[0] === 'hid') return parseHid(args.slice(1))
  if (args[0] === 'safe-outputs') return parseSafeOutputs(args.slice(1))
  const parsed = parseDeviceCli(SPEC, argv, env)
  if (!parsed.ok) return parsed
  const command = parsed.value
  if (command.kind === 'help' || command.kind === 'pair' || command.kind === 'devices') return ok(command)
  if (command.kind === 'uninstall' || command.kind === 'status') return ok({ kind: command.kind })
  const { own } = command
  const { pins, driver, user, layout } = own
  const common = nameOf(command)
  if (driver !== undefined && !DRIVERS.includes(driver)) {
    return fail('usage', `--driver must be onoff, sim or hid, not "${driver}"`)
  }
  const stray = HID_FLAGS.find((flag) => own[flag] !== undefined)
  if (stray && driver !== 'hid') return fail('usage', `--${stray} needs --driver hid`)
  const hid = driver === 'hid'
  if (command.kind === 'install') {
    if (!pins && !hid) return fail('usage', '--pins <absolute file> is required (or --driver hid)')
    if (driver !== undefined && !hid) return fail('usage', 'install takes --driver hid only')
    return ok({
      kind: 'install',
      ...(pins ? { pins } : {}),
      ...common,
      ...(user === undefined ? {} : { user }),
      ...(hid ? { hid: layout === undefined ? {} : { layout } } : {}),
      ...(command.dryRun ? { dryRun: command.dryRun } : {}),
    })
  }
  if (!pins && !hid) return fail('usage', '--pins <file> is required (or --driver hid)')
  const devices = {
    ...(own['hid-device'] === undefined ? {} : { keyboard: own['hid-device'] }),
    ...(own['hid-mouse-device'] === undefined ? {} : { mouse: own['hid-mouse-device'] }),
    ...(own['hid-consumer-device'] === undefined ? {} : { consumer: own['hid-consumer-device'] }),
  }
  return ok({
    kind: 'run',
    ...(pins ? { pins } : {}),
    ...common,
    ...(command.json ? { json: command.json } : {}),
    ...(driver === undefined ? {} : { driver: driver as Driver }),
    ...(hid ? { hid: { ...(layout === undefined ? {} : { layout }), devices } } : {}),
  })
}

/** `hid setup|teardown` with its own flags (not one of device-kit's verbs: it touches no room). */
function parseHid(args: readonly string[]): Result<Command, UsageError> {
  let parsed: ReturnType<typeof parseHidArgs>
  try {
    parsed = parseHidArgs(args)
  } catch (error) {
    return fail('usage', (error as Error).message)
  }
  const [action, ...extra] = parsed.positionals
  if (action !== 'setup' && action !== 'teardown') {
    return fail('usage', `hid needs setup or teardown${action ? `, not "${action}"` : ''}`)
  }
  if (extra.length > 0) return fail('usage', `unexpected argument "${extra[0]}"`)
  const { values } = parsed
  return ok({
    kind: 'hid',
    action,
    ...(values['configfs-root'] === undefined ? {} : { configfsRoot: values['configfs-root'] }),
    ...(values['udc-dir'] === undefined ? {} : { udcDir: values['udc-dir'] }),
    ...(values.udc === undefined ? {} : { udc: values.udc }),
  })
}

const parseHidArgs = (args: readonly string[]) =>
  parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { 'configfs-root': { type: 'string' }, 'udc-dir': { type: 'string' }, udc: { type: 'string' } },
  })

/** `safe-outputs`: what the unit's ExecStopPost runs; it joins no room, so it is not one of device-kit's verbs. */
function parseSafeOutputs(args: readonly string[]): Result<Command, UsageError> {
  let parsed: ReturnType<typeof parseSafeOutputArgs>
  try {
    parsed = parseSafeOutputArgs(args)
  } catch (error) {
    return fail('usage', (error as Error).message)
  }
  const { values, positionals } = parsed
  if (positionals.length > 0) return fail('usage', `unexpected argument "${positionals[0]}"`)
  if (values.driver !== undefined && values.driver !== 'hid')
    return fail('usage', `safe-outputs takes --driver hid only, not "${values.driver}"`)
  const hid = values.driver === 'hid'
  const stray = HID_FLAGS.find(
    (flag) => flag !== 'layout' && values[flag as keyof typeof values] !== undefined,
  )
  if (stray && !hid) return fail('usage', `--${stray} needs --driver hid`)
  if (values.pins === undefined && !hid)
    return fail('usage', 'safe-outputs needs --pins <file> or --driver hid')
  const devices = {
    ...(values['hid-device'] === undefined ? {} : { keyboard: values['hid-device'] }),
    ...(values['hid-mouse-device'] === undefined ? {} : { mouse: values['hid-mouse-device'] }),
    ...(values['hid-consumer-device'] === undefined ? {} : { consumer: values['hid-consumer-device'] }),
  }
  return ok({
    kind: 'safe-outputs',
    ...(values.pins === undefined ? {} : { pins: values.pins }),
    ...(hid ? { hid: devices } : {}),
  })
}

const parseSafeOutputArgs = (args: readonly string[]) =>
  parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      pins: { type: 'string' },
      driver: { type: 'string' },
      'hid-device': { type: 'string' },
      'hid-mouse-device': { type: 'string' },
      'hid-consumer-device': { type: 'string' },
    },
  })
