import { type CliSpec, linkAndName, parseDeviceCommand, type UsageError } from '@keyroom/device-kit'
import { fail, ok, type Result } from '@keyroom/key-events'

export type Driver = 'nut' | 'log'

export type Command =
  | { kind: 'help' }
  | { kind: 'pair'; relay?: string; link?: string; keypad?: string }
  | { kind: 'run'; link?: string; driver: Driver; name?: string }
  | { kind: 'install'; driver: Driver; name?: string }
  | { kind: 'uninstall' }
  | { kind: 'status' }

export const USAGE = `keyroom-receiver: types what a paired keyroom keypad sends, as real key presses.

Usage:
  keyroom-receiver pair [--relay URL] [--link LINK] [--keypad URL]
      Create a room on the relay (or take an existing pairing link), print the link and its QR code,
      and store it. --relay defaults to $KEYROOM_RELAY.
  keyroom-receiver [run] [--link LINK] [--driver nut|log] [--name NAME]
      Join the given room (--link, else $KEYROOM_LINK, which keeps the room key out of the process list), else
      the stored one, and inject keys. --driver log prints one JSON line per key action
      instead of pressing keys (needs no permissions). --name defaults to this computer's name.
  keyroom-receiver install [--driver nut|log] [--name NAME]
      Install and start the receiver as a service: a LaunchAgent at login on macOS, a systemd --user unit on Linux.
  keyroom-receiver uninstall    Stop and remove the service.
  keyroom-receiver status       Show the pairing and the service.
  keyroom-receiver --help

Signals: SIGINT, SIGTERM and SIGHUP release every held key, then exit 0.
Environment: KEYROOM_CONFIG_DIR (where the pairing is stored), KEYROOM_RELAY, KEYROOM_LINK, LOG_LEVEL.
`

const SPEC: CliSpec<'driver'> = { run: ['driver'], install: ['driver'] }

/** Parses the command line (the verbs and common flags are device-kit's); every mistake gets a message that names it. */
export const parseCli = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Result<Command, UsageError> =>
  parseDeviceCommand(SPEC, argv, env, (command): Result<Command, UsageError> => {
    const driver = command.own.driver ?? 'nut'
    if (driver !== 'nut' && driver !== 'log')
      return fail('usage', `--driver must be nut or log, not "${driver}"`)
    const { name, link } = linkAndName(command)
    const named = name ? { name } : {}
    if (command.kind === 'install') return ok({ kind: 'install', driver, ...named })
    return ok({ kind: 'run', driver, ...named, ...(link ? { link } : {}) })
  })
