#!/usr/bin/env node
import { hostname } from 'node:os'
import { createRoom, formatPairingLink, parsePairingLink, renderQrTerminal } from '@keyroom/room-client'
import { configDir, loadPairing, savePairing } from '@keyroom/room-client/pairing-store'
import pino from 'pino'
import { HELP, parseCli, UsageError } from './cli-args.js'
import { InstallError, install } from './install.js'
import { runCommand } from './run-command.js'
import { StartError, startService } from './service.js'
import { handleSignals } from './signals.js'

// Logs go to stderr: stdout carries the product's output (the pairing link, the sim driver's JSON lines).
const logger = pino({ name: 'keyroom-pi', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2))
const out = (text: string) => process.stdout.write(text)

async function resolveLink(given: string | undefined) {
  const text = given ?? process.env.KEYROOM_LINK
  if (text !== undefined) {
    const parsed = parsePairingLink(text)
    if (!parsed.ok) throw new UsageError(`bad link: ${parsed.error.message}`)
    return parsed.value
  }
  const stored = await loadPairing(configDir(), 'keyroom-pi pair')
  if (!stored.ok) throw new UsageError(stored.error.message)
  return stored.value
}

function newRoom(relay: string) {
  try {
    return createRoom(relay)
  } catch (error) {
    throw new UsageError(`--relay "${relay}" is not usable: ${(error as Error).message}`)
  }
}

async function main(): Promise<number> {
  const command = parseCli(process.argv.slice(2))
  switch (command.kind) {
    case 'help':
      out(`${HELP}\n`)
      return 0
    case 'pair': {
      const link = command.link ? await resolveLink(command.link) : newRoom(command.relay ?? '')
      const text = formatPairingLink(link, command.keypad)
      const file = await savePairing(configDir(), link)
      out(`${await renderQrTerminal(text)}\n${text}\n\nSaved the pairing to ${file}.\n`)
      return 0
    }
    case 'install': {
      const link = await resolveLink(command.link)
      await install({
        link: formatPairingLink(link),
        pins: command.pins,
        run: runCommand,
        say: (line) => out(`${line}\n`),
        ...(command.user === undefined ? {} : { user: command.user }),
        ...(command.name === undefined ? {} : { name: command.name }),
      })
      return 0
    }
    case 'run': {
      const service = startService({
        link: await resolveLink(command.link),
        pinsPath: command.pins,
        ...(command.driver === undefined ? {} : { driver: command.driver }),
        name: command.name ?? hostname().slice(0, 64),
        logger,
        out,
        input: process.stdin,
      })
      handleSignals(process, service, logger, (code) => process.exit(code))
      return new Promise<number>(() => {})
    }
    default: {
      const never: never = command
      return never
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof StartError || error instanceof InstallError
    process.stderr.write(`keyroom-pi: ${error instanceof Error ? error.message : String(error)}\n`)
    if (!known) logger.error({ err: error }, 'failed')
    process.exit(known ? 2 : 1)
  },
)
