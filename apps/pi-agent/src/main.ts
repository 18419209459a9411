#!/usr/bin/env node
import {
  type CommandContext,
  deviceName,
  deviceProcess,
  devicesCommand,
  handleSignals,
  pairCommand,
} from '@keyroom/device-kit'
import type { ProtocolError } from '@keyroom/key-events'
import { HELP, parseCli } from './cli-args.js'
import { hid, install, safeOutputs, status, TOOL, uninstall } from './commands.js'
import { outputRecordPath } from './output-record.js'
import { type Service, startService } from './service.js'

const parsed = parseCli(process.argv.slice(2), process.env)
// On a terminal a person reads the log ("keypad joined"); piped, in the journal, or with run --json, JSON lines.
const device = deviceProcess(TOOL, parsed.ok && parsed.value.kind === 'run' ? parsed.value.json : undefined)
const { logger } = device
const ctx: CommandContext = { out: device.out, configDir: device.configDir, run: device.run }
const report = (error: ProtocolError) => device.fail(error)

if (!parsed.ok) report(parsed.error)
else {
  const command = parsed.value
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${HELP}\n`)
      break
    case 'pair':
    case 'devices':
    case 'install':
    case 'uninstall':
    case 'status':
    case 'safe-outputs':
    case 'hid': {
      const result =
        command.kind === 'hid'
          ? await hid(command, ctx)
          : command.kind === 'safe-outputs'
            ? await safeOutputs(command, ctx, logger, outputRecordPath(process.env, ctx.configDir))
            : command.kind === 'pair'
              ? await pairCommand(TOOL, command, ctx)
              : command.kind === 'devices'
                ? await devicesCommand(command, ctx)
                : command.kind === 'install'
                  ? await install(command, ctx)
                  : command.kind === 'uninstall'
                    ? await uninstall(ctx)
                    : await status(ctx)
      if (!result.ok) report(result.error)
      break
    }
    case 'run': {
      // Signals first: a stop that comes while the service starts (it opens the pins) is a safe stop once it has
      // started, never the default kill with outputs just opened.
      let service: Service | undefined
      handleSignals({
        proc: process,
        logger,
        stop: async (crashed, cause) => service?.stop(crashed ? 'crash' : cause),
        reload: () => service?.reload(),
        exit: process.exit,
      })
      const started = startService({
        configDir: ctx.configDir,
        ...(command.pins === undefined ? {} : { pinsPath: command.pins }),
        ...(command.driver === undefined ? {} : { driver: command.driver }),
        ...(command.hid === undefined ? {} : { hid: command.hid }),
        name: deviceName(ctx.configDir, command.name),
        outputRecord: outputRecordPath(process.env, ctx.configDir),
        logger,
        out: ctx.out,
        input: process.stdin,
      })
      if (!started.ok) {
        report(started.error)
        break
      }
      service = started.value
      break
    }
  }
}
