import { type CommandContext, type CommandOutcome, outcome, reportPairing } from '@keyroom/device-kit'
import type { Logger } from 'pino'
import type { Command } from './cli-args.js'
import { runHidCommand } from './hid-command.js'
import { install as installService, piService, uninstall as uninstallService } from './install.js'
import { setOutputsSafe } from './safe-outputs.js'

export const TOOL = 'keyroom-pi'

/** `install` (as root): the systemd unit, pointed at the paired state dir. */
export async function install(
  command: Extract<Command, { kind: 'install' }>,
  ctx: CommandContext,
): CommandOutcome {
  return outcome(
    await installService({
      stateDir: ctx.configDir,
      ...(command.pins === undefined ? {} : { pins: command.pins }),
      ...(command.hid === undefined ? {} : { hid: command.hid }),
      run: ctx.run,
      say: (line) => ctx.out(`${line}\n`),
      ...(command.user === undefined ? {} : { user: command.user }),
      ...(command.name === undefined ? {} : { name: command.name }),
      ...(command.dryRun ? { dryRun: true } : {}),
    }),
  )
}

/** `hid setup|teardown` (as root): the USB gadget in configfs. */
export async function hid(command: Extract<Command, { kind: 'hid' }>, ctx: CommandContext): CommandOutcome {
  return runHidCommand(command, (line) => ctx.out(`${line}\n`))
}

export async function uninstall(ctx: CommandContext): CommandOutcome {
  const removed = await uninstallService({ run: ctx.run })
  if (removed.ok) ctx.out(`${removed.value}\n`)
  return outcome(removed)
}

export async function status(ctx: CommandContext): CommandOutcome {
  const paired = reportPairing(TOOL, ctx)
  const state = await piService(ctx.run).status()
  ctx.out(
    `systemd unit: ${state.installed ? 'installed' : 'not installed'}, ${state.running ? 'active' : 'not active'} (${state.file}): ${state.detail}\n`,
  )
  return paired
}

/** `safe-outputs`: every output at rest and the USB gadget's keys up (the unit's ExecStopPost). */
export async function safeOutputs(
  command: Extract<Command, { kind: 'safe-outputs' }>,
  ctx: CommandContext,
  logger: Logger,
  outputRecord: string,
): CommandOutcome {
  return setOutputsSafe({
    outputRecord,
    ...(command.pins === undefined ? {} : { pinsPath: command.pins }),
    ...(command.hid === undefined ? {} : { hid: command.hid }),
    logger,
    out: (line) => ctx.out(`${line}\n`),
  })
}
