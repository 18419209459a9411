#!/usr/bin/env node
import { deviceProcess, devicesCommand, handleSignals, pairCommand } from '@keyroom/device-kit'
import type { ProtocolError } from '@keyroom/key-events'
import { parseCli, USAGE } from './cli-args.js'
import { type CommandContext, install, status, TOOL, uninstall } from './commands.js'
import { startReceiver } from './start.js'

const parsed = parseCli(process.argv.slice(2), process.env)
// On a terminal a person reads it ("keypad joined", "typed 5 characters"); piped, or with --json, JSON lines.
const device = deviceProcess(TOOL, parsed.ok && parsed.value.kind === 'run' ? parsed.value.json : undefined)
const { logger } = device
const ctx: CommandContext = {
  out: device.out,
  configDir: device.configDir,
  platform: process.platform,
  run: device.run,
  humanOutput: device.humanOutput,
}
const failed = (asLog: boolean) => (error: ProtocolError) => device.fail(error, asLog)

if (!parsed.ok) {
  process.stderr.write(`${TOOL}: ${parsed.error.message}\n\n${USAGE}`)
  process.exitCode = 2
} else {
  const command = parsed.value
  const done = (result: Awaited<ReturnType<typeof status>>) => {
    if (!result.ok) failed(false)(result.error)
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE)
      break
    case 'pair':
      done(await pairCommand(TOOL, command, ctx))
      break
    case 'devices':
      done(await devicesCommand(command, ctx))
      break
    case 'install':
      done(await install(command, ctx))
      break
    case 'uninstall':
      done(await uninstall(ctx))
      break
    case 'status':
      done(await status(ctx))
      break
    case 'run': {
      const starting = startReceiver(command, ctx, logger)
      // Signals first: a stop that comes while the receiver starts waits for the start, then stops it safely.
      handleSignals({
        proc: process,
        logger,
        stop: async (crashed) => {
          const running = await starting
          if (running.ok) await running.value.stop(crashed ? 'uncaught-error' : 'shutdown')
        },
        exit: process.exit,
      })
      const running = await starting
      if (!running.ok) failed(true)(running.error)
      break
    }
  }
}
