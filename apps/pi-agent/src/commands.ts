import {
  type CommandRunner,
  defaultDeviceName,
  pair as pairDevice,
  pairedRoom,
  runDevicesCommand,
} from '@keyroom/device-kit'
import { ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import type { Logger } from 'pino'
import type { Command } from './cli-args.js'
import { runHidCommand } from './hid-command.js'
import { install as installService, piService, uninstall as uninstallService } from './install.js'
import { setOutputsSafe } from './safe-outputs.js'

export const TOOL = 'keyroom-pi'

export interface CommandContext {
  /** The product's own output (link, QR, status), to stdout. */
  out: (text: string) => void
  configDir: string
  run: CommandRunner
}

type CommandResult = Promise<Result<void, ProtocolError>>
const done = (result: Result<unknown, ProtocolError>): Result<void, ProtocolError> =>
  result.ok ? ok(undefined) : result

/** `pair`: a new room, or another device's room from its link; prints this Pi's own link and opens a window. */
export async function pair(command: Extract<Command, { kind: 'pair' }>, ctx: CommandContext): CommandResult {
  return done(
    await pairDevice(command, {
      tool: TOOL,
      configDir: ctx.configDir,
      defaultName: defaultDeviceName(),
      out: ctx.out,
    }),
  )
}

/** `devices list|approve|revoke|log`: a running agent sees the change within a second. */
export async function devices(
  command: Extract<Command, { kind: 'devices' }>,
  ctx: CommandContext,
): CommandResult {
  return runDevicesCommand(command, { configDir: ctx.configDir, out: ctx.out })
}

/** `install` (as root): the systemd unit, pointed at the paired state dir. */
export async function install(
  command: Extract<Command, { kind: 'install' }>,
  ctx: CommandContext,
): CommandResult {
  return done(
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
export async function hid(command: Extract<Command, { kind: 'hid' }>, ctx: CommandContext): CommandResult {
  return runHidCommand(command, (line) => ctx.out(`${line}\n`))
}

export async function uninstall(ctx: CommandContext): CommandResult {
  const removed = await uninstallService({ run: ctx.run })
  if (removed.ok) ctx.out(`${removed.value}\n`)
  return done(removed)
}

export async function status(ctx: CommandContext): CommandResult {
  const paired = pairedRoom({ tool: TOOL, configDir: ctx.configDir })
  const store = openDeviceStore(ctx.configDir)
  const room = paired.ok ? store.room() : undefined
  ctx.out(
    room
      ? `paired: room ${room.room} on ${room.relay}, this device ${store.identity().fingerprint} (${store.file})\n`
      : `not paired: ${paired.ok ? 'no room' : paired.error.message}\n`,
  )
  const state = await piService(ctx.run).status()
  ctx.out(
    `systemd unit: ${state.installed ? 'installed' : 'not installed'}, ${state.running ? 'active' : 'not active'} (${state.file}): ${state.detail}\n`,
  )
  return ok(undefined)
}

/** `safe-outputs`: every output at rest and the USB gadget's keys up (the unit's ExecStopPost). */
export async function safeOutputs(
  command: Extract<Command, { kind: 'safe-outputs' }>,
  ctx: CommandContext,
  logger: Logger,
  outputRecord: string,
): CommandResult {
  return setOutputsSafe({
    outputRecord,
    ...(command.pins === undefined ? {} : { pinsPath: command.pins }),
    ...(command.hid === undefined ? {} : { hid: command.hid }),
    logger,
    out: (line) => ctx.out(`${line}\n`),
  })
}
