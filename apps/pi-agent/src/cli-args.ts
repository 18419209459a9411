import { type CliSpec, linkAndName, parseDeviceCommand, type UsageError } from '@keyroom/device-kit'
import { fail, ok, type Result } from '@keyroom/key-events'

export const HELP = `keyroom-pi: drive Raspberry Pi GPIO pins from a keyroom room

  keyroom-pi [run] --pins <file> [--link <link>] [--driver onoff|sim] [--name <name>]
      Join the room and drive the pins. The link comes from --link, else KEYROOM_LINK, else the stored pairing.
      The driver defaults to onoff where /sys/class/gpio is writable, sim elsewhere (JSON lines on stdout;
      with sim, stdin lines like {"pin":22,"value":0} play edges on input pins).
      SIGUSR2 reloads the pin map; SIGTERM/SIGINT/SIGHUP put every output in its safe state and unexport it.
  keyroom-pi pair --relay <url> [--keypad <url>]   create a room, print its link and QR code, store it
  keyroom-pi pair --link <link>                     store an existing room's link (e.g. the Mac receiver's)
  keyroom-pi install --pins <abs file> [--link <link>] [--user keyroom-pi] [--name <name>]
      (as root) create the service user, write /etc/keyroom-pi/keyroom-pi.env and the systemd unit, enable it.
  keyroom-pi uninstall    (as root) stop and remove the service and its environment file
  keyroom-pi status       show the pairing and the service

Environment: KEYROOM_CONFIG_DIR (where the pairing is stored), KEYROOM_RELAY, KEYROOM_LINK, LOG_LEVEL.`

export type Driver = 'onoff' | 'sim'

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; pins: string; link?: string; driver?: Driver; name?: string }
  | { kind: 'pair'; relay?: string; link?: string; keypad?: string }
  | { kind: 'install'; pins: string; link?: string; user?: string; name?: string }
  | { kind: 'uninstall' }
  | { kind: 'status' }

const SPEC: CliSpec<'pins' | 'driver' | 'user' | 'link'> = {
  run: ['pins', 'driver'],
  install: ['pins', 'user', 'link'],
}

/** Reads the command line (verbs and common flags are device-kit's); a bare `--pins` run is `run`. */
export const parseCli = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Result<Command, UsageError> =>
  parseDeviceCommand(SPEC, argv, env, (command): Result<Command, UsageError> => {
    const { pins, driver, user } = command.own
    if (!pins)
      return fail('usage', `--pins <${command.kind === 'install' ? 'absolute file' : 'file'}> is required`)
    if (command.kind === 'install') {
      return ok({ kind: 'install', pins, ...linkAndName(command), ...(user === undefined ? {} : { user }) })
    }
    if (driver !== undefined && driver !== 'onoff' && driver !== 'sim') {
      return fail('usage', `--driver must be onoff or sim, not "${driver}"`)
    }
    return ok({ kind: 'run', pins, ...linkAndName(command), ...(driver === undefined ? {} : { driver }) })
  })
