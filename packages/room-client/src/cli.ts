#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { cert } from './cert-command.js'
import { CliError, listen, type Output, roomNew, send } from './cli-commands.js'
import { defaultCertDir } from './local-ca.js'

const HELP = `keyroom: try and script keyroom rooms

  keyroom room new --relay <url> [--keypad <url>] [--no-qr]   print a new pairing link (alone on the last line),
                                                              once the relay answers its /healthz
  keyroom send --link <link> --text "hello"                   type text
  keyroom send --link <link> --key KeyQ [--phase down|up|tap] press a key
  keyroom send --link <link> --chord Cmd+Shift+4              press a chord
  keyroom send --link <link> --move <dx>,<dy>                 move the pointer by dx, dy points
  keyroom send --link <link> --click left|right|middle        click a mouse button
  keyroom send --link <link> --scroll <dx>,<dy>               scroll (pixels; positive dy scrolls down)
  keyroom send --link <link> --button <name> --phase down|up  hold or release a mouse button (a held
                                                              button is released after 1.5 s: nothing renews it)
  keyroom send --link <link> --key KeyQ --hold <ms>           hold a key (or a --button) that long, renewing its
                                                              lease, then release it (Ctrl+C releases early)
  keyroom listen --link <link> [--verbose]                    print verified messages as JSON lines; --verbose
                                                              (or --all) also shows the handshake and upkeep:
                                                              hello, ping, pong, receipt, renew, and messages
                                                              dropped while a sender is not verified yet
  keyroom cert [--dir <dir>] [--address <ip>]...              make (once) a local certificate authority and an
                                                              https certificate for this machine's LAN addresses
                                                              (default: every non-loopback IPv4 one), and print
                                                              how to trust it on iOS and Android
                                                              (dir default: ~/.config/keyroom/tls)

Keys and chords are read in any case: a letter or digit (a, 4), a W3C code (KeyQ, Enter, F5), Esc, Return, Del,
Up, PgDn; modifiers Shift, Ctrl/Control, Alt/Opt/Option, Cmd/Command/Meta/Win/Super.
A value that starts with "-" needs "=": --move=-5,3.
send waits for every receiver in the room to acknowledge, prints "delivered to <name> (<role>)" per receiver, and
exits 1 naming any that dropped it or did not answer.

Options: --timeout <ms> for all of it: reaching the relay, the room, and every receipt (default 10000).
Exit code 1 with the reason on a bad link or relay, or a receiver that did not get it.`

const io: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    // `pnpm keyroom -- --help` hands the script a leading "--", which parseArgs would read as "all positionals".
    args: argv[0] === '--' ? argv.slice(1) : argv,
    allowPositionals: true,
    options: {
      relay: { type: 'string' },
      keypad: { type: 'string' },
      'no-qr': { type: 'boolean', default: false },
      link: { type: 'string' },
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
      dir: { type: 'string' },
      address: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const command = positionals.join(' ')
  if (values.help || command === '') return io.out(HELP)
  const timeoutMs = Number(values.timeout)
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new CliError('--timeout must be a positive integer')
  const link = () => values.link ?? failUsage('--link is required')
  switch (command) {
    case 'room new':
      return roomNew(
        {
          relay: values.relay ?? failUsage('--relay is required'),
          ...opt('keypad', values.keypad),
          qr: !values['no-qr'],
          timeoutMs,
        },
        io,
      )
    case 'send': {
      // Ctrl+C during --hold releases what is held before exiting.
      const stop = new AbortController()
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort())
      return send(
        {
          link: link(),
          timeoutMs,
          signal: stop.signal,
          ...opt('hold', values.hold),
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
    }
    case 'listen': {
      const stop = new AbortController()
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort())
      return listen({ link: link(), timeoutMs, signal: stop.signal, all: values.all || values.verbose }, io)
    }
    case 'cert':
      await cert(
        { dir: values.dir ?? defaultCertDir(), ...(values.address && { addresses: values.address }) },
        io,
      )
      return
    default:
      throw new CliError(`unknown command "${command}"; see keyroom --help`)
  }
}

const opt = <K extends string>(key: K, value: string | undefined) =>
  value === undefined ? {} : { [key]: value }
function failUsage(message: string): never {
  throw new CliError(message)
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    io.err(`keyroom: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
