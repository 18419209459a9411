import {
  type CliSpec,
  type CommonCommand,
  nameOf,
  parseDeviceCommand,
  switchesOf,
  type UsageError,
} from '@keyroom/device-kit'
import { fail, ok, type Result } from '@keyroom/key-events'

export type Driver = 'nut' | 'log'

export type Command =
  | CommonCommand
  | { kind: 'run'; driver: Driver; name?: string; json?: true }
  | { kind: 'install'; driver: Driver; name?: string; dryRun?: true }

export const USAGE = `keyroom-receiver: types what an approved keyroom keypad sends, as real key presses.

First pair this computer, then run it (or install it as a service):
  keyroom-receiver pair --relay URL [--window SECONDS] [--name NAME] [--keypad URL]
      Make a room on the relay and print this computer's link and its QR code. The first keypad to open it within
      the window (--window, default 600 seconds) is approved; later ones wait for "devices approve".
      --relay defaults to $KEYROOM_RELAY. Without --relay, a new window in the room this computer is in.
  keyroom-receiver pair --link-file FILE | --link - [--window SECONDS] [--name NAME] [--keypad URL]
      Join another device's room (its link from a file, or from stdin with --link -, or $KEYROOM_LINK) and print
      this computer's own link for that room.
  keyroom-receiver [run] [--driver nut|log] [--name NAME] [--json]
      Join the paired room and type what approved keypads send. --driver log prints what it would type (one JSON
      line per key action when stdout is not a terminal) instead of pressing keys (needs no permissions).
      --name defaults to this computer's name. On a terminal it speaks in lines ("keypad joined"); --json, or
      output to a file or pipe, gives JSON lines.
  keyroom-receiver devices list [--json]            The devices that asked to type here: approved, pending (with
                                                    the code the keypad shows), revoked.
  keyroom-receiver devices approve <code or fingerprint>
  keyroom-receiver devices revoke <name or fingerprint>
                                                    A running receiver takes either within a second.
  keyroom-receiver devices log [--json]             Who did what when (key names and text lengths, never text).
  keyroom-receiver install [--driver nut|log] [--name NAME] [--dry-run]
      Install and start the receiver as a service: a LaunchAgent at login on macOS, a systemd --user unit on Linux.
      --dry-run prints the file it would write, and where, and changes nothing.
  keyroom-receiver uninstall    Stop and remove the service.
  keyroom-receiver status       Show the pairing, the devices and the service.
  keyroom-receiver --help

Signals: SIGINT, SIGTERM and SIGHUP release every held key, then exit 0.
Environment: KEYROOM_CONFIG_DIR (where this computer's identity, room and devices are kept), KEYROOM_RELAY,
KEYROOM_LINK (pair), LOG_LEVEL.
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
    const named = nameOf(command)
    const { dryRun, json } = switchesOf(command)
    if (command.kind === 'install')
      return ok({ kind: 'install', driver, ...named, ...(dryRun ? { dryRun } : {}) })
    return ok({ kind: 'run', driver, ...named, ...(json ? { json } : {}) })
  })
