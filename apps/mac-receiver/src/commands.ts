import { existsSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { dirname } from 'node:path'
import {
  builtMainPath,
  type CommandOutcome,
  createLaunchAgent,
  createSystemdService,
  type CommandContext as DeviceCommandContext,
  defaultUnitDir,
  pairedRoom,
  reportPairing,
  type ServiceManager,
} from '@keyroom/device-kit'
import { fail, ok } from '@keyroom/key-events'
import type { Command } from './cli-args.js'
import { renderUserUnit, USER_UNIT_NAME } from './user-unit.js'

export const TOOL = 'keyroom-receiver'

export interface CommandContext extends DeviceCommandContext {
  platform: string
  /** For tests. @default os.homedir() */
  home?: string
  /** For tests. @default os.userInfo().uid */
  uid?: number
  /** The built entry point the service runs. @default builtMainPath() */
  mainPath?: string
  /** stdout is a terminal and no `--json`: the log driver writes words, not JSON. @default false */
  humanOutput?: boolean
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
): CommandOutcome {
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

export async function uninstall(ctx: CommandContext): CommandOutcome {
  const service = serviceFor(ctx)
  if (!service) return unsupported(ctx)
  const result = await service.manager.uninstall()
  if (!result.ok) return result
  ctx.out(`${result.value}\n`)
  return ok(undefined)
}

export async function status(ctx: CommandContext): CommandOutcome {
  const paired = reportPairing(TOOL, ctx)
  const service = serviceFor(ctx)
  if (service) {
    const state = await service.manager.status()
    ctx.out(
      `${service.kind}: ${state.installed ? 'installed' : 'not installed'}, ${state.running ? 'loaded' : 'not loaded'} (${state.file})\n`,
    )
    if (state.running) ctx.out(`${state.detail}\n`)
  }
  return paired
}
