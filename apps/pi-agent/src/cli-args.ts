import { parseArgs } from 'node:util'

export const HELP = `keyroom-pi: drive Raspberry Pi GPIO pins, or be a USB keyboard and mouse, from a keyroom room

  keyroom-pi [run] --pins <file> [--link <link>] [--driver onoff|sim] [--name <name>]
  keyroom-pi [run] --driver hid [--pins <file>] [--layout us|<file>] [--hid-device <path>]
                   [--hid-mouse-device <path>] [--hid-consumer-device <path>] [--link <link>] [--name <name>]
      Join the room and drive the pins. The link comes from --link, else KEYROOM_LINK, else the stored pairing.
      The driver defaults to onoff where /sys/class/gpio is writable, sim elsewhere (JSON lines on stdout;
      with sim, stdin lines like {"pin":22,"value":0} play edges on input pins).
      --driver hid types into the computer the Pi is plugged into (after keyroom-pi hid setup), beside the pins
      of --pins if given; text is typed for the target's --layout (default us). Devices default to
      /dev/hidg0 (keyboard), /dev/hidg1 (mouse), /dev/hidg2 (media keys).
      SIGHUP reloads the pin map; SIGTERM/SIGINT put every output in its safe state and release every key.
  keyroom-pi hid setup [--configfs-root <dir>] [--udc <name>]    (as root) create and bind the USB gadget
  keyroom-pi hid teardown [--configfs-root <dir>]                (as root) unbind and remove it
  keyroom-pi pair --relay <url> [--keypad <url>]   create a room, print its link and QR code, store it
  keyroom-pi pair --link <link>                     store an existing room's link (e.g. the Mac receiver's)
  keyroom-pi install [--pins <abs file>] [--driver hid] [--layout us|<abs file>] [--link <link>]
                     [--user keyroom-pi] [--name <name>]
      (as root) create the service user, write /etc/keyroom-pi/keyroom-pi.env and the systemd unit, enable it;
      with --driver hid also a unit that runs hid setup at boot before the agent, and a udev rule for /dev/hidg*.

Environment: KEYROOM_CONFIG_DIR (where the pairing is stored), KEYROOM_LINK, LOG_LEVEL.`

export type Driver = 'onoff' | 'sim' | 'hid'
const DRIVERS: readonly string[] = ['onoff', 'sim', 'hid']

/** `--layout`, `--hid-device` and friends, as given. */
export interface HidFlags {
  layout?: string
  devices: { keyboard?: string; mouse?: string; consumer?: string }
}

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; pins?: string; link?: string; driver?: Driver; name?: string; hid?: HidFlags }
  | { kind: 'hid'; action: 'setup' | 'teardown'; configfsRoot?: string; udcDir?: string; udc?: string }
  | { kind: 'pair'; relay?: string; link?: string; keypad?: string }
  | {
      kind: 'install'
      pins?: string
      driver?: Driver
      layout?: string
      link?: string
      user?: string
      name?: string
    }

export class UsageError extends Error {}

const opt = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: string }

/** Reads the command line; a bare `--pins` run is `run` (the root script passes `-- --link ...`). */
export function parseCli(argv: string[]): Command {
  const args = argv[0] === '--' ? argv.slice(1) : argv
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return { kind: 'help' }
  const [command = 'run', ...rest] = positionals
  const [action, ...extra] = command === 'hid' ? rest : [undefined, ...rest]
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`)
  const driver = values.driver
  if (driver !== undefined && !DRIVERS.includes(driver)) {
    throw new UsageError(`--driver must be onoff, sim or hid, not "${driver}"`)
  }
  const withDriver = driver === undefined ? {} : { driver: driver as Driver }
  const hidOnly = ['layout', 'hid-device', 'hid-mouse-device', 'hid-consumer-device'] as const
  const strayHid = hidOnly.find((flag) => values[flag] !== undefined)
  if (strayHid && driver !== 'hid' && command !== 'hid')
    throw new UsageError(`--${strayHid} needs --driver hid`)
  switch (command) {
    case 'run': {
      if (!values.pins && driver !== 'hid')
        throw new UsageError('--pins <file> is required (or --driver hid)')
      return {
        kind: 'run',
        ...opt('pins', values.pins),
        ...opt('link', values.link),
        ...withDriver,
        ...opt('name', values.name),
        ...(driver === 'hid'
          ? {
              hid: {
                ...opt('layout', values.layout),
                devices: {
                  ...opt('keyboard', values['hid-device']),
                  ...opt('mouse', values['hid-mouse-device']),
                  ...opt('consumer', values['hid-consumer-device']),
                },
              },
            }
          : {}),
      }
    }
    case 'hid':
      if (action !== 'setup' && action !== 'teardown') {
        throw new UsageError(`hid needs setup or teardown${action ? `, not "${action}"` : ''}`)
      }
      return {
        kind: 'hid',
        action,
        ...opt('configfsRoot', values['configfs-root']),
        ...opt('udcDir', values['udc-dir']),
        ...opt('udc', values.udc),
      }
    case 'pair':
      if (!values.relay && !values.link) throw new UsageError('pair needs --relay <url> or --link <link>')
      return {
        kind: 'pair',
        ...opt('relay', values.relay),
        ...opt('link', values.link),
        ...opt('keypad', values.keypad),
      }
    case 'install':
      if (!values.pins && driver !== 'hid') {
        throw new UsageError('--pins <absolute file> is required (or --driver hid)')
      }
      return {
        kind: 'install',
        ...opt('pins', values.pins),
        ...withDriver,
        ...opt('layout', values.layout),
        ...opt('link', values.link),
        ...opt('user', values.user),
        ...opt('name', values.name),
      }
    default:
      throw new UsageError(`unknown command "${command}"; see keyroom-pi --help`)
  }
}

const parse = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      pins: { type: 'string' },
      link: { type: 'string' },
      driver: { type: 'string' },
      name: { type: 'string' },
      relay: { type: 'string' },
      keypad: { type: 'string' },
      user: { type: 'string' },
      layout: { type: 'string' },
      'hid-device': { type: 'string' },
      'hid-mouse-device': { type: 'string' },
      'hid-consumer-device': { type: 'string' },
      'configfs-root': { type: 'string' },
      'udc-dir': { type: 'string' },
      udc: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
