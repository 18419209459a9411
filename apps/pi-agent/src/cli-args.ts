import { parseArgs } from 'node:util'

export const HELP = `keyroom-pi: drive Raspberry Pi GPIO pins from a keyroom room

  keyroom-pi [run] --pins <file> [--link <link>] [--driver onoff|sim] [--name <name>]
      Join the room and drive the pins. The link comes from --link, else KEYROOM_LINK, else the stored pairing.
      The driver defaults to onoff where /sys/class/gpio is writable, sim elsewhere (JSON lines on stdout;
      with sim, stdin lines like {"pin":22,"value":0} play edges on input pins).
      SIGHUP reloads the pin map; SIGTERM/SIGINT put every output in its safe state and unexport it.
  keyroom-pi pair --relay <url> [--keypad <url>]   create a room, print its link and QR code, store it
  keyroom-pi pair --link <link>                     store an existing room's link (e.g. the Mac receiver's)
  keyroom-pi install --pins <abs file> [--link <link>] [--user keyroom-pi] [--name <name>]
      (as root) create the service user, write /etc/keyroom-pi/keyroom-pi.env and the systemd unit, enable it.

Environment: KEYROOM_CONFIG_DIR (where the pairing is stored), KEYROOM_LINK, LOG_LEVEL.`

export type Driver = 'onoff' | 'sim'

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; pins: string; link?: string; driver?: Driver; name?: string }
  | { kind: 'pair'; relay?: string; link?: string; keypad?: string }
  | { kind: 'install'; pins: string; link?: string; user?: string; name?: string }

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
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
  switch (command) {
    case 'run': {
      if (!values.pins) throw new UsageError('--pins <file> is required')
      const driver = values.driver
      if (driver !== undefined && driver !== 'onoff' && driver !== 'sim') {
        throw new UsageError(`--driver must be onoff or sim, not "${driver}"`)
      }
      return {
        kind: 'run',
        pins: values.pins,
        ...opt('link', values.link),
        ...(driver === undefined ? {} : { driver }),
        ...opt('name', values.name),
      }
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
      if (!values.pins) throw new UsageError('--pins <absolute file> is required')
      return {
        kind: 'install',
        pins: values.pins,
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
      help: { type: 'boolean', short: 'h' },
    },
  })
