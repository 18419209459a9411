#!/usr/bin/env node
import { configDir } from '@keyroom/room-client/pairing-store'
import { pino } from 'pino'
import { parseCli, USAGE } from './cli-args.js'
import { type CommandContext, install, pair, status, uninstall } from './commands.js'
import { runCommand } from './run-command.js'
import { installShutdownHandlers } from './shutdown.js'
import { startReceiver } from './start.js'

const parsed = parseCli(process.argv.slice(2), process.env)
if (!parsed.ok) {
  process.stderr.write(`keyroom-receiver: ${parsed.error.message}\n\n${USAGE}`)
  process.exit(2)
}
const command = parsed.value
// Logs go to stderr: stdout carries the product's output (pairing link, the log driver's JSON lines).
const logger = pino({ name: 'keyroom-receiver', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2))
const ctx: CommandContext = {
  out: (text) => void process.stdout.write(text),
  configDir: configDir(),
  platform: process.platform,
  run: runCommand,
}

switch (command.kind) {
  case 'help':
    process.stdout.write(USAGE)
    break
  case 'pair':
    process.exitCode = await pair(command, ctx)
    break
  case 'install':
    process.exitCode = await install(command, ctx)
    break
  case 'uninstall':
    process.exitCode = await uninstall(ctx)
    break
  case 'status':
    process.exitCode = await status(ctx)
    break
  case 'run': {
    const running = await startReceiver(command, ctx, logger)
    if (!running) {
      process.exitCode = 2
      break
    }
    installShutdownHandlers({
      proc: process,
      logger,
      stop: (reason) => running.stop(reason),
      exit: process.exit,
    })
    break
  }
}
