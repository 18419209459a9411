import { parseArgs } from 'node:util'
import { fail, type ProtocolError, type Result } from '@keyroom/key-events'

/** The verbs every device app understands. */
export type Verb = 'pair' | 'run' | 'install' | 'uninstall' | 'status' | 'help'

/** A command line the apps cannot use: exit code 2. */
export type UsageError = ProtocolError<'usage'>

/** The flags the kit itself reads, per verb; an app adds its own. */
const COMMON_FLAGS: ReadonlyMap<Verb, readonly string[]> = new Map([
  ['pair', ['relay', 'link', 'keypad']],
  ['run', ['link', 'name']],
  ['install', ['name']],
  ['uninstall', []],
  ['status', []],
])

export interface CliSpec<F extends string> {
  /** The app's own flags (each takes a value), e.g. `driver`, `pins`. */
  flags: readonly F[]
  /**
   * The verbs the app offers besides `help`, each with the app's own flags it takes (the kit adds its common ones:
   * pair `--relay --link --keypad`, run `--link --name`, install `--name`).
   */
  verbs: ReadonlyMap<Exclude<Verb, 'help'>, readonly F[]>
}

/** What the kit read from the command line; the app turns `own` into its command. */
export type ParsedCli<F extends string> =
  | { kind: 'help' }
  | { kind: 'pair'; relay?: string; link?: string; keypad?: string }
  | {
      kind: 'run' | 'install' | 'uninstall' | 'status'
      /** From --link, else $KEYROOM_LINK (which keeps the room key out of the process list). */
      link?: string
      name?: string
      own: Partial<Record<F, string>>
    }

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
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  for (const flag of [...new Set([...COMMON_FLAGS.values()].flat()), ...spec.flags])
    options[flag] = { type: 'string' }
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
  const own = spec.verbs.get(kind)
  const common = COMMON_FLAGS.get(kind)
  if (!own || !common)
    return usage(`unknown command "${kind}" (${[...spec.verbs.keys(), 'help'].join(', ')})`)
  const allowed = new Set<string>([...common, ...own])
  const given = new Map(
    Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  )
  const extra = [...given.keys()].find((flag) => !allowed.has(flag))
  if (extra !== undefined) return usage(`${kind} does not take --${extra}`)

  if (kind === 'pair') {
    const link = given.get('link')
    const relay = given.get('relay') ?? env.KEYROOM_RELAY
    const keypad = given.get('keypad')
    if (!relay && !link) return usage('pair needs --relay URL (or $KEYROOM_RELAY) or --link LINK')
    return {
      ok: true,
      value: { kind, ...(link ? { link } : relay ? { relay } : {}), ...(keypad ? { keypad } : {}) },
    }
  }
  const rawName = given.get('name')
  const name = rawName?.trim()
  if (rawName !== undefined && !name) return usage('--name must not be empty')
  const link = allowed.has('link') ? (given.get('link') ?? env.KEYROOM_LINK) : undefined
  const ownValues: Partial<Record<F, string>> = {}
  for (const flag of own) {
    const value = given.get(flag)
    if (value !== undefined) ownValues[flag] = value
  }
  return { ok: true, value: { kind, ...(link ? { link } : {}), ...(name ? { name } : {}), own: ownValues } }
}
