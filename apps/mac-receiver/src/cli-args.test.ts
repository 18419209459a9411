import { describe, expect, it } from 'vitest'
import { type Command, parseCli } from './cli-args.js'

// pair's links, windows and the $KEYROOM_RELAY / $KEYROOM_LINK fallbacks are device-kit's (src/cli.test.ts there);
// here: this app's own flags, and that the shared verbs reach it.
const parses: [string, string[], Record<string, string>, Command][] = [
  ['run with the stored pairing and the nut driver by default', [], {}, { kind: 'run', driver: 'nut' }],
  [
    "run behind the root script's --",
    ['--', 'run', '--driver', 'log', '--name', 'studio'],
    {},
    { kind: 'run', driver: 'log', name: 'studio' },
  ],
  [
    'run, never a link from the environment',
    ['run'],
    { KEYROOM_LINK: 'ignored' },
    { kind: 'run', driver: 'nut' },
  ],
  ['run --json', ['run', '--json'], {}, { kind: 'run', driver: 'nut', json: true }],
  [
    'pair, handed to the shared verbs',
    ['pair', '--relay', 'http://r:4000', '--window', '120', '--name', 'desk'],
    {},
    { kind: 'pair', relay: 'http://r:4000', windowSeconds: 120, name: 'desk' },
  ],
  ['devices list', ['devices', 'list', '--json'], {}, { kind: 'devices', action: 'list', json: true }],
  [
    'devices approve',
    ['devices', 'approve', '123 456'],
    {},
    { kind: 'devices', action: 'approve', target: '123 456' },
  ],
  ['install --dry-run', ['install', '--dry-run'], {}, { kind: 'install', driver: 'nut', dryRun: true }],
  ['--help before anything else', ['--help', 'whatever'], {}, { kind: 'help' }],
  ['help', ['help'], {}, { kind: 'help' }],
]

const mistakes: [string[], string | RegExp][] = [
  [['run', '--link', '-'], 'run does not take --link'],
  [['status', '--link', 'x'], 'status does not take --link'],
  [['devices', 'revoke'], /name or fingerprint/],
  [['pair', '--link', 'https://k/#v=2&room=r'], /process list/],
  [['pair', '--window', '0'], /--window/],
  [['--driver', 'robot'], /robot/],
  [['launch'], /"launch"/],
  [['--bogus'], /bogus/],
  [['run', '--name', ' '], /name/],
]

describe('command line', () => {
  it.each(parses)('reads %s', (_, argv, env, command) => {
    expect(parseCli(argv, env)).toEqual({ ok: true, value: command })
  })

  it.each(mistakes)('names the mistake in %j', (argv, message) => {
    const parsed = parseCli(argv)
    if (parsed.ok) throw new Error(`${argv.join(' ')} parsed`)
    expect(parsed.error.message).toMatch(message)
  })
})
