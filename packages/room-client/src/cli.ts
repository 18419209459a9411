#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { fail, ok, type ProtocolError } from '@keyroom/key-events'
import { cert } from './cert-command.js'
import { listen, send } from './cli-commands.js'
import { type CliResult, cliDeviceDir, type Output } from './cli-device.js'
import { pair } from './cli-pair.js'
import { linkSourceOf } from './link-input.js'
import { defaultCertDir } from './local-ca.js'

const HELP = `keyroom: type into a keyroom receiver from a terminal, and script it

This computer's CLI is a keypad with its own identity (kept in $KEYROOM_CONFIG_DIR/cli, by default
~/.config/keyroom/cli or ~/Library/Application Support/keyroom/cli). Pair it once with each receiver:

  keyroom pair --link-file <file> [--name <name>]         trust the receiver a link names (the link its
  keyroom pair --link - [--name <name>]                   "keyroom-receiver pair --relay URL" or "keyroom-pi pair"
                                                          printed; from a file, from stdin, or $KEYROOM_LINK; never
                                                          as an argument, which the process list shows), show its
                                                          name and fingerprint, and prove the link's pairing secret:
                                                          approved inside the receiver's pairing window, else pending
                                                          with a code to approve there. A second receiver's link for
                                                          the same room adds it; a link for another room moves there.
  keyroom send --text "hello"                             type text
  keyroom send --key KeyQ [--phase down|up|tap]           press a key
  keyroom send --chord Cmd+Shift+4                        press a chord
  keyroom send --move <dx>,<dy>                           move the pointer by dx, dy points
  keyroom send --click left|right|middle                  click a mouse button
  keyroom send --scroll <dx>,<dy>                         scroll (pixels; positive dy scrolls down)
  keyroom send --button <name> --phase down|up            hold or release a mouse button (a held button is released
                                                          after 1.5 s: nothing renews it)
  keyroom send --key KeyQ --hold <ms>                     hold a key (or a --button) that long, renewing its lease,
                                                          then release it (Ctrl+C releases early)
  keyroom send ... --to <where>                           send only to: all (default), computer, pins, usb-keyboard,
                                                          a receiver's name or its fingerprint
  keyroom listen [--verbose]                              print what the receivers tell this device (verdicts,
                                                          notices) as JSON lines, each verdict in words on stderr;
                                                          --verbose (or --all) also says who comes and goes
  keyroom cert [--dir <dir>] [--address <ip>]...          make (once) a local certificate authority and an https
                                                          certificate for this machine's LAN addresses (default:
                                                          every non-loopback IPv4 one), and print how to trust it on
                                                          iOS and Android (dir default: ~/.config/keyroom/tls)

A room belongs to a receiver: make one with "keyroom-receiver pair --relay URL" on the Mac (or "keyroom-pi pair
--relay URL" on the Pi) and open the link it prints here with keyroom pair.
Keys and chords are read in any case: a letter or digit (a, 4), a W3C code (KeyQ, Enter, F5), Esc, Return, Del,
Up, PgDn; modifiers Shift, Ctrl/Control, Alt/Opt/Option, Cmd/Command/Meta/Win/Super.
A value that starts with "-" needs "=": --move=-5,3.
send goes to the receivers this device trusts; it prints each one's verdict on this device on stderr, waits for every
approved one in the room to acknowledge, prints "delivered to <name> (<role>)" per receiver, and fails naming any
that refused it or did not answer.

Options: --timeout <ms> for all of it: reaching the relay, the receivers' verdicts, every receipt (default 10000).
Exit codes: 0 done; 1 the relay or a receiver failed (unreachable, absent, no receipt); 2 a usage error (a flag, a bad
or older link, not paired); 3 pending (a receiver has not approved this device yet: approve the code it shows);
4 revoked by a receiver; 5 not permitted (the receiver does not let this device send that).`

const EXIT_CODES: ReadonlyMap<string, number> = new Map([
  ['usage', 2],
  ['pending', 3],
  ['revoked', 4],
  ['not-permitted', 5],
])

const io: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

/** An AbortSignal that Ctrl+C (or SIGTERM) aborts: a held key is released, a listener closes, before exiting. */
function stopSignal(): AbortSignal {
  const stop = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort())
  return stop.signal
}

/** v1 made rooms here; a v2 room is anchored at a receiver's identity and pairing window, so its `pair` makes it. */
const ROOM_NEW_IS_GONE =
  'room new is gone: a room now belongs to a receiver. Run "keyroom-receiver pair --relay URL" on the Mac (or "keyroom-pi pair --relay URL" on the Pi) and open the link it prints with keyroom pair --link-file PATH'

async function main(argv: string[]): Promise<CliResult> {
  // `pnpm keyroom -- --help` hands the script a leading "--", which parseArgs would read as "all positionals".
  // room new before the flags are read: its old --relay and --keypad are unknown now, and the pointer is what helps.
  const args = argv[0] === '--' ? argv.slice(1) : argv
  if (args[0] === 'room' && args[1] === 'new') return fail('usage', ROOM_NEW_IS_GONE)
  let parsed: ReturnType<typeof parseCli>
  try {
    parsed = parseCli(args)
  } catch (error) {
    return fail('usage', (error as Error).message)
  }
  const { values, positionals } = parsed
  const command = positionals.join(' ')
  if (values.help || command === '') {
    io.out(HELP)
    return ok(undefined)
  }
  const timeoutMs = Number(values.timeout)
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    return fail('usage', '--timeout must be a positive integer')
  const dir = cliDeviceDir()
  // send and listen go to the paired receivers: a link there would be on argv, and is not needed.
  if (values.link !== undefined && command !== 'pair')
    return fail(
      'usage',
      `${command} takes no link: pair once with keyroom pair --link-file PATH (or --link -)`,
    )
  switch (command) {
    case 'pair': {
      const source = linkSourceOf({ linkFile: values['link-file'], link: values.link }, process.env)
      if (!source.ok) return source
      return pair({ dir, source: source.value, timeoutMs, ...opt('name', values.name) }, io)
    }
    case 'send':
      return send(
        {
          dir,
          timeoutMs,
          signal: stopSignal(),
          ...opt('hold', values.hold),
          ...opt('to', values.to),
          ...opt('text', values.text),
          ...opt('key', values.key),
          ...opt('phase', values.phase),
          ...opt('chord', values.chord),
          ...opt('move', values.move),
          ...opt('click', values.click),
          ...opt('scroll', values.scroll),
          ...opt('button', values.button),
        },
        io,
      )
    case 'listen':
      return listen({ dir, timeoutMs, signal: stopSignal(), all: values.all || values.verbose }, io)
    case 'cert':
      await cert(
        { dir: values.dir ?? defaultCertDir(), ...(values.address && { addresses: values.address }) },
        io,
      )
      return ok(undefined)
    default:
      return fail('usage', `unknown command "${command}"; see keyroom --help`)
  }
}

function parseCli(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      link: { type: 'string' },
      'link-file': { type: 'string' },
      name: { type: 'string' },
      text: { type: 'string' },
      key: { type: 'string' },
      phase: { type: 'string' },
      chord: { type: 'string' },
      move: { type: 'string' },
      click: { type: 'string' },
      scroll: { type: 'string' },
      button: { type: 'string' },
      timeout: { type: 'string', default: '10000' },
      all: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      hold: { type: 'string' },
      to: { type: 'string' },
      dir: { type: 'string' },
      address: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
}

const opt = <K extends string>(key: K, value: string | undefined) =>
  value === undefined ? {} : { [key]: value }

/** The one place an error becomes words on stderr and an exit code. */
function exit(result: CliResult | { ok: false; error: ProtocolError }): never {
  if (!result.ok) io.err(`keyroom: ${result.error.message}`)
  process.exit(result.ok ? 0 : (EXIT_CODES.get(result.error.code) ?? 1))
}

main(process.argv.slice(2)).then(exit, (error: unknown) =>
  exit({
    ok: false,
    error: { code: 'failed', message: error instanceof Error ? error.message : String(error), path: '' },
  }),
)
