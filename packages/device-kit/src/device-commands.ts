import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import type { PairCommand } from './cli.js'
import { type DevicesCommand, runDevicesCommand } from './devices.js'
import { defaultDeviceName, pair, pairedRoom } from './pairing.js'
import type { CommandRunner } from './run-command.js'

/** What every device command is given by its app's main. */
export interface CommandContext {
  /** The product's own output (link, QR, status), to stdout. */
  out: (text: string) => void
  configDir: string
  run: CommandRunner
}

/** A command's outcome; `main` turns an error into stderr and an exit code. */
export type CommandOutcome = Promise<Result<void, ProtocolError>>

/** A command's value is printed, not returned: only its error, if any, goes on to `main`. */
export const outcome = (result: Result<unknown, ProtocolError>): Result<void, ProtocolError> =>
  result.ok ? ok(undefined) : result

/**
 * `pair`: a new room on the relay (or another device's room, or a new window in this one), then this device's link
 * with its QR code; the link names it as `run` will (`--name`, else the hostname).
 */
export async function pairCommand(tool: string, command: PairCommand, ctx: CommandContext): CommandOutcome {
  return outcome(
    await pair(command, { tool, configDir: ctx.configDir, defaultName: defaultDeviceName(), out: ctx.out }),
  )
}

/** `devices list|approve|revoke|log|permit`: on the store a running device watches, so it takes effect there. */
export const devicesCommand = (command: DevicesCommand, ctx: CommandContext): CommandOutcome =>
  Promise.resolve(runDevicesCommand(command, ctx))

/**
 * The pairing half of `status`: the room, this device's fingerprint and how many devices it knows, or why it is
 * not paired (a `not-paired` error, which `status` exits with after reporting the service too).
 */
export function reportPairing(tool: string, ctx: CommandContext): Result<void, ProtocolError> {
  const paired = pairedRoom({ tool, configDir: ctx.configDir })
  // Said once, by main, with the exit code.
  if (!paired.ok) return fail('not-paired', paired.error.message)
  const store = openDeviceStore(ctx.configDir)
  const room = store.room()
  const known = store.devices()
  const count = (state: string) => known.filter((d) => d.state === state).length
  ctx.out(`paired: relay ${room?.relay}, room ${room?.room} (${store.file})\n`)
  ctx.out(`this device's fingerprint: ${store.identity().fingerprint}\n`)
  ctx.out(`devices: ${count('approved')} approved, ${count('pending')} pending (${tool} devices list)\n`)
  return ok(undefined)
}
