import { parseArgs } from 'node:util'
import { fail, nameProblem, type ProtocolError, type Result } from '@keyroom/key-events'
import { type LinkSource, linkSourceOf } from '@keyroom/room-client/link-input'
import { type DevicesCommand, parseDevicesCommand } from './devices.js'

/** The verbs every device app understands. */
export type Verb = 'pair' | 'devices' | 'run' | 'install' | 'uninstall' | 'status' | 'help'

/** A command line the apps cannot use: exit code 2. */
export type UsageError = ProtocolError<'usage'>

/** The flags the kit itself reads, per verb; an app adds its own. */
const COMMON_FLAGS: ReadonlyMap<Verb, readonly string[]> = new Map([
  ['pair', ['relay', 'link', 'link-file', 'keypad', 'window', 'name']],
  ['devices', []],
  ['run', ['name']],
  ['install', ['name']],
  ['uninstall', []],
  ['status', []],
])

/** The kit's on/off flags, per verb: `install --dry-run` prints what it would write; `run --json` logs JSON lines. */
const COMMON_SWITCHES: ReadonlyMap<Verb, readonly Switch[]> = new Map([
  ['install', ['dry-run']],
  ['run', ['json']],
  ['devices', ['json']],
])
type Switch = 'dry-run' | 'json'

/** The app's own flags (each takes a value) for `run` and `install`; the kit adds its common ones. */
export interface CliSpec<F extends string> {
  run: readonly F[]
  install: readonly F[]
}

/** What the kit read from the command line; the app turns `own` into its command. */
export type ParsedCli<F extends string> =
  | { kind: 'help' }
  | PairCommand
  | DevicesCommand
  | {
      kind: 'run' | 'install' | 'uninstall' | 'status'
      name?: string
      /** `install --dry-run`: print the files and commands, change nothing. */
      dryRun?: true
      /** `run --json`: JSON log lines even on a terminal. */
      json?: true
      own: Partial<Record<F, string>>
    }

/** `pair`: make a room on `relay`, or join the room of another device's link; either way open a pairing window. */
export interface PairCommand {
  kind: 'pair'
  relay?: string
  /** Another device's link (`--link-file PATH`, `--link -`, $KEYROOM_LINK): this device joins its room. */
  link?: LinkSource
  keypad?: string
  /** How long the pairing window stays open. */
  windowSeconds?: number
  name?: string
}

/** The longest pairing window `--window` accepts: a day. */
export const MAX_WINDOW_SECONDS = 86_400

const usage = (message: string): Result<never, UsageError> => fail('usage', message)

/**
 * Reads a device app's command line: `[verb] [--flag value]…`, `run` when no verb is given, `help` for `--help`,
 * `-h` or `help`. Verbs and flags are looked up by own keys only (a Map), so `toString` is an unknown command.
 * `--relay` falls back to $KEYROOM_RELAY, `--link` (run, install) to $KEYROOM_LINK. Every mistake is named.
 */
export function parseDeviceCli<F extends string>(
  spec: CliSpec<F>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Result<ParsedCli<F>, UsageError> {
  // `pnpm receiver -- pair` passes the `--` through.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv]
  // `devices permit` has flags of its own: everything after the verb is read there.
  if (args[0] === 'devices') return parseDevicesCommand(args.slice(1))
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  const verbs = new Map<Exclude<Verb, 'help'>, readonly F[]>([
    ['pair', []],
    ['devices', []],
    ['run', spec.run],
    ['install', spec.install],
    ['uninstall', []],
    ['status', []],
  ])
  for (const flag of new Set([...[...COMMON_FLAGS.values()].flat(), ...spec.run, ...spec.install])) {
    options[flag] = { type: 'string' }
  }
  for (const flag of new Set([...COMMON_SWITCHES.values()].flat())) options[flag] = { type: 'boolean' }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] }
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options })
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.help || positionals[0] === 'help') return { ok: true, value: { kind: 'help' } }
  if (positionals.length > 1) return usage(`unexpected argument "${positionals[1]}"`)
  const kind = (positionals[0] ?? 'run') as Exclude<Verb, 'help'>
  const own = verbs.get(kind)
  const common = COMMON_FLAGS.get(kind)
  if (!own || !common) return usage(`unknown command "${kind}" (${[...verbs.keys(), 'help'].join(', ')})`)
  const allowed = new Set<string>([...common, ...own])
  const given = new Map(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  )
  const extra = [...given.keys()].find((flag) => !allowed.has(flag))
  if (extra !== undefined) return usage(`${kind} does not take --${extra}`)
  const switches = COMMON_SWITCHES.get(kind) ?? []
  const stray = [...new Set([...COMMON_SWITCHES.values()].flat())].find(
    (flag) => values[flag] === true && !switches.includes(flag),
  )
  if (stray !== undefined) return usage(`${kind} does not take --${stray}`)
  const on = {
    ...(values['dry-run'] === true ? { dryRun: true as const } : {}),
    ...(values.json === true ? { json: true as const } : {}),
  }

  const rawName = given.get('name')
  const name = rawName?.trim()
  if (rawName !== undefined && !name) return usage('--name must not be empty')
  const problem = name === undefined ? undefined : nameProblem(name)
  if (problem) return usage(`--name: ${problem}`)
  if (kind === 'pair') return pairCommand(given, env, name)
  // `devices` after other flags (`--json devices list`): read on its own, as above.
  if (kind === 'devices') return parseDevicesCommand(args.filter((arg) => arg !== 'devices'))
  const ownValues: Partial<Record<F, string>> = {}
  for (const flag of own) {
    const value = given.get(flag)
    if (value !== undefined) ownValues[flag] = value
  }
  return {
    ok: true,
    value: { kind, ...(name ? { name } : {}), ...on, own: ownValues },
  }
}

function pairCommand(
  given: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>>,
  name: string | undefined,
): Result<PairCommand, UsageError> {
  const source = linkSourceOf({ linkFile: given.get('link-file'), link: given.get('link') }, env)
  if (!source.ok) return source
  const relay = given.get('relay') ?? env.KEYROOM_RELAY
  if (source.value && given.has('relay'))
    return usage('give --relay (a new room) or a link (its room), not both')
  const window = given.get('window')
  const seconds = window === undefined ? undefined : Number(window)
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0 && seconds <= MAX_WINDOW_SECONDS))
    return usage(
      `--window must be a whole number of seconds from 1 to ${MAX_WINDOW_SECONDS}, not "${window}"`,
    )
  const keypad = given.get('keypad')
  return {
    ok: true,
    value: {
      kind: 'pair',
      ...(source.value ? { link: source.value } : relay ? { relay } : {}),
      ...(keypad ? { keypad } : {}),
      ...(seconds === undefined ? {} : { windowSeconds: seconds }),
      ...(name ? { name } : {}),
    },
  }
}

/** The commands the kit finishes itself; `run` and `install` the app builds from its own flags. */
export type CommonCommand =
  | { kind: 'help' }
  | PairCommand
  | DevicesCommand
  | { kind: 'uninstall' }
  | { kind: 'status' }

/** `run` or `install` as read, for the app to check its own flags. */
export type AppVerb<F extends string> = Extract<ParsedCli<F>, { own: unknown }> & { kind: 'run' | 'install' }

/**
 * {@link parseDeviceCli}, then `build` turns `run` / `install` into the app's command; the other verbs come back as
 * they are. `--name` is in `nameOf(command)`.
 */
export function parseDeviceCommand<F extends string, C>(
  spec: CliSpec<F>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  build: (command: AppVerb<F>) => Result<C, UsageError>,
): Result<C | CommonCommand, UsageError> {
  const parsed = parseDeviceCli(spec, argv, env)
  if (!parsed.ok) return parsed
  const command = parsed.value
  if (command.kind === 'help' || command.kind === 'pair' || command.kind === 'devices')
    return { ok: true, value: command }
  if (command.kind === 'uninstall' || command.kind === 'status')
    return { ok: true, value: { kind: command.kind } }
  return build(command as AppVerb<F>)
}

/** The common `--name` of a command, present only when given. */
export const nameOf = (command: { name?: string }): { name?: string } =>
  command.name ? { name: command.name } : {}

/** The common `--dry-run` / `--json` of a command, present only when given. */
export const switchesOf = (command: { dryRun?: true; json?: true }): { dryRun?: true; json?: true } => ({
  ...(command.dryRun ? { dryRun: true } : {}),
  ...(command.json ? { json: true } : {}),
})
