import {
  type CliSpec,
  linkAndName,
  parseDeviceCommand,
  switchesOf,
  type UsageError,
} from '@keyroom/device-kit'
import { fail, ok, type Result } from '@keyroom/key-events'

export type Driver = 'nut' | 'log'

export type Command =
  | { kind: 'help' }
  | { kind: 'pair'; relay?: string; link?: string; keypad?: string }
  | { kind: 'run'; link?: string; driver: Driver; name?: string; json?: true }
  | { kind: 'install'; driver: Driver; name?: string; dryRun?: true }
  | { kind: 'uninstall' }
  | { kind: 'status' }

export const USAGE = `keyroom-receiver: types what a paired keyroom keypad sends, as real key presses.

Usage:
  keyroom-receiver pair [--relay URL] [--link LINK] [--keypad URL]
      Create a room on the relay (or take an existing pairing link), print the link and its QR code,
      and store it. --relay defaults to $KEYROOM_RELAY.
  keyroom-receiver [run] [--link LINK] [--driver nut|log] [--name NAME] [--json]
      Join the given room (--link, else $KEYROOM_LINK, which keeps the room key out of the process list), else
      the stored one, and inject keys. --driver log prints what it would type (one JSON line per key action when
      stdout is not a terminal) instead of pressing keys (needs no permissions). --name defaults to this computer's
      name. On a terminal it speaks in lines ("keypad joined"); --json, or output to a file or pipe, gives JSON lines.
  keyroom-receiver install [--driver nut|log] [--name NAME] [--dry-run]
      Install and start the receiver as a service: a LaunchAgent at login on macOS, a systemd --user unit on Linux.
      --dry-run prints the file it would write, and where, and changes nothing.
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
    const { dryRun, json } = switchesOf(command)
    if (command.kind === 'install')
      return ok({ kind: 'install', driver, ...named, ...(dryRun ? { dryRun } : {}) })
    return ok({ kind: 'run', driver, ...named, ...(link ? { link } : {}), ...(json ? { json } : {}) })
  })
