import { existsSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { dirname } from 'node:path'
import {
  builtMainPath,
  type CommandRunner,
  createLaunchAgent,
  createSystemdService,
  type DevicesCommand,
  defaultDeviceName,
  defaultUnitDir,
  type PairCommand,
  pair as pairDevice,
  pairedRoom,
  runDevicesCommand,
  type ServiceManager,
} from '@keyroom/device-kit'
import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import type { Command } from './cli-args.js'
import { renderUserUnit, USER_UNIT_NAME } from './user-unit.js'

export const TOOL = 'keyroom-receiver'

export interface CommandContext {
  /** The product's own output (link, QR, status), to stdout. */
  out: (text: string) => void
  configDir: string
  platform: string
  run: CommandRunner
  /** For tests. @default os.homedir() */
  home?: string
  /** For tests. @default os.userInfo().uid */
  uid?: number
  /** The built entry point the service runs. @default builtMainPath() */
  mainPath?: string
  /** stdout is a terminal and no `--json`: the log driver writes words, not JSON. @default false */
  humanOutput?: boolean
}

/** A command's outcome; `main` turns an error into stderr and an exit code. */
export type CommandResult = Promise<Result<void, ProtocolError>>

/**
 * `pair`: a new room on the relay (or another device's room, or a new window in this one), then this computer's
 * link with its QR code; the link names it as `run` will (`--name`, else the hostname).
 */
export async function pair(command: PairCommand, ctx: CommandContext): CommandResult {
  const paired = await pairDevice(command, {
    tool: TOOL,
    configDir: ctx.configDir,
    defaultName: defaultDeviceName(),
    out: ctx.out,
  })
  return paired.ok ? ok(undefined) : paired
}

/** `devices list|approve|revoke|log`: on the store a running receiver watches. */
export async function devices(command: DevicesCommand, ctx: CommandContext): CommandResult {
  return runDevicesCommand(command, { configDir: ctx.configDir, out: ctx.out })
}

/** macOS: a LaunchAgent in the GUI session; Linux: a `systemd --user` unit in the graphical session. */
const serviceFor = (ctx: CommandContext) => {
  const home = ctx.home ?? homedir()
  if (ctx.platform === 'darwin') {
    const agent = createLaunchAgent({ run: ctx.run, uid: ctx.uid ?? userInfo().uid, home })
    return { kind: 'LaunchAgent', manager: agent as ServiceManager, agent }
  }
  if (ctx.platform === 'linux') {
    const unitDir = defaultUnitDir('user', home, ctx.home ? {} : process.env)
    const manager = createSystemdService({ run: ctx.run, unitName: USER_UNIT_NAME, scope: 'user', unitDir })
    return { kind: 'systemd --user unit', manager, agent: undefined }
  }
  return undefined
}

const unsupported = (ctx: CommandContext) =>
  fail(
    'usage',
    `there is no service for ${ctx.platform}: install covers macOS (launchd) and Linux (systemd --user)`,
  )

export async function install(
  command: Extract<Command, { kind: 'install' }>,
  ctx: CommandContext,
): CommandResult {
  const service = serviceFor(ctx)
  if (!service) return unsupported(ctx)
  const main = ctx.mainPath ?? builtMainPath(import.meta.url)
  if (!existsSync(main)) {
    return fail(
      'usage',
      `${main} is missing: build it with its dependencies first: pnpm --filter "@keyroom/mac-receiver..." build`,
    )
  }
  const paired = pairedRoom({ tool: TOOL, configDir: ctx.configDir })
  if (!paired.ok) return paired
  const definition = {
    programArguments: [
      process.execPath,
      main,
      'run',
      '--driver',
      command.driver,
      ...(command.name ? ['--name', command.name] : []),
    ],
    workingDirectory: dirname(dirname(main)),
    environment: { KEYROOM_CONFIG_DIR: ctx.configDir },
  }
  const text = service.agent ? service.agent.render(definition) : renderUserUnit(definition)
  if (command.dryRun) {
    ctx.out(`would write ${service.manager.file}:\n${text.endsWith('\n') ? text : `${text}\n`}`)
    ctx.out(`then it would load and start the ${service.kind}; nothing was written (--dry-run)\n`)
    return ok(undefined)
  }
  const result = await service.manager.install(text)
  if (!result.ok) return result
  ctx.out(`${result.value}\n`)
  if (ctx.platform === 'darwin') {
    ctx.out(
      `macOS asks for Accessibility access for ${process.execPath} (System Settings > Privacy & Security > Accessibility).\n`,
    )
  }
  return ok(undefined)
}

export async function uninstall(ctx: CommandContext): CommandResult {
  const service = serviceFor(ctx)
  if (!service) return unsupported(ctx)
  const result = await service.manager.uninstall()
  if (!result.ok) return result
  ctx.out(`${result.value}\n`)
  return ok(undefined)
}

export async function status(ctx: CommandContext): CommandResult {
  const paired = pairedRoom({ tool: TOOL, configDir: ctx.configDir })
  if (paired.ok) {
    const store = openDeviceStore(ctx.configDir)
    const known = store.devices()
    const count = (state: string) => known.filter((d) => d.state === state).length
    ctx.out(`paired: relay ${store.room()?.relay} (${store.file})\n`)
    ctx.out(`this device's fingerprint: ${store.identity().fingerprint}\n`)
    ctx.out(`devices: ${count('approved')} approved, ${count('pending')} pending (${TOOL} devices list)\n`)
  }
  const service = serviceFor(ctx)
  if (service) {
    const state = await service.manager.status()
    ctx.out(
      `${service.kind}: ${state.installed ? 'installed' : 'not installed'}, ${state.running ? 'loaded' : 'not loaded'} (${state.file})\n`,
    )
    if (state.running) ctx.out(`${state.detail}\n`)
  }
  return paired.ok ? ok(undefined) : fail('not-paired', paired.error.message)
}
