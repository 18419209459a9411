import { parseArgs } from 'node:util'
import type { Result } from '@keyroom/key-events'

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
      macOS: install and start a LaunchAgent that runs the receiver at login.
  keyroom-receiver uninstall    Stop and remove the LaunchAgent.
  keyroom-receiver status       Show the pairing and the LaunchAgent.
  keyroom-receiver --help

Environment: KEYROOM_CONFIG_DIR (where the pairing is stored), KEYROOM_RELAY, KEYROOM_LINK, LOG_LEVEL.
`

const fail = (message: string): Result<never> => ({ ok: false, error: { code: 'usage', message, path: '' } })

/** Parses the command line; every mistake gets a message that names it. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Result<Command> {
  // `pnpm receiver -- pair` passes the `--` through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv]
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.help || positionals[0] === 'help') return { ok: true, value: { kind: 'help' } }
  if (positionals.length > 1) return fail(`unexpected argument "${positionals[1]}"`)
  const kind = positionals[0] ?? 'run'
  const driver = values.driver ?? 'nut'
  if (driver !== 'nut' && driver !== 'log') return fail(`--driver must be nut or log, not "${driver}"`)
  const allowed: Record<string, string[]> = {
    pair: ['relay', 'link', 'keypad'],
    run: ['link', 'driver', 'name'],
    install: ['driver', 'name'],
    uninstall: [],
    status: [],
  }
  const options = allowed[kind]
  if (!options) return fail(`unknown command "${kind}" (pair, run, install, uninstall, status)`)
  const extra = Object.keys(values).filter((key) => !options.includes(key))
  if (extra.length > 0) return fail(`${kind} does not take --${extra[0]}`)
  const name = values.name?.trim()
  if (values.name !== undefined && !name) return fail('--name must not be empty')
  const named = name ? { name } : {}
  switch (kind) {
    case 'pair': {
      const relay = values.relay ?? env.KEYROOM_RELAY
      if (!relay && !values.link) return fail('pair needs --relay URL (or $KEYROOM_RELAY) or --link LINK')
      return {
        ok: true,
        value: {
          kind: 'pair',
          ...(values.link ? { link: values.link } : relay ? { relay } : {}),
          ...(values.keypad ? { keypad: values.keypad } : {}),
        },
      }
    }
    case 'run': {
      const link = values.link ?? env.KEYROOM_LINK
      return {
        ok: true,
        value: { kind: 'run', driver, ...named, ...(link ? { link } : {}) },
      }
    }
    case 'install':
      return { ok: true, value: { kind: 'install', driver, ...named } }
    default:
      return { ok: true, value: { kind: kind as 'uninstall' | 'status' } }
  }
}

const parse = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      relay: { type: 'string' },
      link: { type: 'string' },
      keypad: { type: 'string' },
      driver: { type: 'string' },
      name: { type: 'string' },
    },
  })
