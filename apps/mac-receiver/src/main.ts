#!/usr/bin/env node
import {
  createDeviceLogger,
  handleSignals,
  reportFailure,
  runCommand,
  wantsHumanLines,
} from '@keyroom/device-kit'
import { configDir } from '@keyroom/room-client/pairing-store'
import { parseCli, USAGE } from './cli-args.js'
import { type CommandContext, install, pair, status, TOOL, uninstall } from './commands.js'
import { startReceiver } from './start.js'

const parsed = parseCli(process.argv.slice(2), process.env)
// On a terminal a person reads it ("keypad joined", "typed 5 characters"); piped, or with --json, JSON lines.
const json = parsed.ok && parsed.value.kind === 'run' ? parsed.value.json : undefined
const logger = createDeviceLogger(TOOL, process.env, {
  human: wantsHumanLines(process.stderr, json, process.env),
})
const ctx: CommandContext = {
  out: (text) => void process.stdout.write(text),
  configDir: configDir(),
  platform: process.platform,
  run: runCommand,
  humanOutput: wantsHumanLines(process.stdout, json, process.env),
}
const failed = (asLog: boolean) => (error: Parameters<typeof reportFailure>[0]) => {
  process.exitCode = reportFailure(error, {
    tool: TOOL,
    logger,
    asLog,
    stderr: (t) => process.stderr.write(t),
  })
}

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
      done(await pair(command, ctx))
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
      const running = await startReceiver(command, ctx, logger)
      if (!running.ok) {
        failed(true)(running.error)
        break
      }
      handleSignals({
        proc: process,
        logger,
        stop: (crashed) => running.value.stop(crashed ? 'uncaught-error' : 'shutdown'),
        exit: process.exit,
      })
      break
    }
  }
}
