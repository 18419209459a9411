import { existsSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createRoom,
  formatPairingLink,
  parsePairingLink,
  type RoomLink,
  renderQrTerminal,
} from '@keyroom/room-client'
import { loadPairing, pairingFile, savePairing } from '@keyroom/room-client/pairing-store'
import type { Command } from './cli-args.js'
import { createLaunchAgent } from './launch-agent.js'
import type { CommandRunner } from './run-command.js'

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
  /** The built entry point the LaunchAgent runs. @default builtMainPath() */
  mainPath?: string
}

/** `pair`: create a room (or take a link), print it with its QR code, store it. Returns the exit code. */
export async function pair(
  command: Extract<Command, { kind: 'pair' }>,
  ctx: CommandContext,
): Promise<number> {
  let link: RoomLink
  if (command.link) {
    const parsed = parsePairingLink(command.link)
    if (!parsed.ok) {
      ctx.out(`keyroom-receiver: ${parsed.error.message}\n`)
      return 2
    }
    link = parsed.value
  } else {
    try {
      link = createRoom(command.relay ?? '')
    } catch (error) {
      ctx.out(`keyroom-receiver: relay "${command.relay}" is not usable: ${(error as Error).message}\n`)
      return 2
    }
  }
  const text = formatPairingLink(link, command.keypad)
  const file = await savePairing(ctx.configDir, link)
  ctx.out(`${await renderQrTerminal(text)}\n${text}\n\nOpen the link (or scan the code) on the keypad.\n`)
  ctx.out(`Saved the pairing to ${file}. Start the receiver with: keyroom-receiver\n`)
  return 0
}

/** The built entry point launchd runs (production runs dist/, not the TypeScript source). */
export function builtMainPath(): string {
  const here = fileURLToPath(import.meta.url)
  return here.endsWith('.ts') ? join(dirname(here), '..', 'dist', 'main.js') : join(dirname(here), 'main.js')
}

const launchAgent = (ctx: CommandContext) =>
  createLaunchAgent({ run: ctx.run, uid: ctx.uid ?? userInfo().uid, home: ctx.home ?? homedir() })

export async function install(
  command: Extract<Command, { kind: 'install' }>,
  ctx: CommandContext,
): Promise<number> {
  if (ctx.platform !== 'darwin') {
    ctx.out(
      'keyroom-receiver: install sets up a macOS LaunchAgent; on Linux run it under systemd --user instead\n',
    )
    return 2
  }
  const main = ctx.mainPath ?? builtMainPath()
  if (!existsSync(main)) {
    ctx.out(
      `keyroom-receiver: ${main} is missing: build it with its dependencies first: pnpm --filter "@keyroom/mac-receiver..." build\n`,
    )
    return 2
  }
  const paired = await loadPairing(ctx.configDir, 'keyroom-receiver pair')
  if (!paired.ok) {
    ctx.out(`keyroom-receiver: ${paired.error.message}\n`)
    return 2
  }
  const result = await launchAgent(ctx).install({
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
  })
  ctx.out(`${result.message}\n`)
  if (result.ok) {
    ctx.out(
      `macOS asks for Accessibility access for ${process.execPath} (System Settings > Privacy & Security > Accessibility).\n`,
    )
  }
  return result.ok ? 0 : 1
}

export async function uninstall(ctx: CommandContext): Promise<number> {
  if (ctx.platform !== 'darwin') {
    ctx.out('keyroom-receiver: there is no LaunchAgent outside macOS\n')
    return 2
  }
  const result = await launchAgent(ctx).uninstall()
  ctx.out(`${result.message}\n`)
  return result.ok ? 0 : 1
}

export async function status(ctx: CommandContext): Promise<number> {
  const paired = await loadPairing(ctx.configDir, 'keyroom-receiver pair')
  ctx.out(
    paired.ok
      ? `paired: room ${paired.value.room} on ${paired.value.relay} (${pairingFile(ctx.configDir)})\n`
      : `not paired: ${paired.error.message}\n`,
  )
  if (ctx.platform === 'darwin') {
    const agent = await launchAgent(ctx).status()
    ctx.out(
      `LaunchAgent: ${agent.installed ? 'installed' : 'not installed'}, ${agent.loaded ? 'loaded' : 'not loaded'} (${agent.plist})\n`,
    )
    if (agent.loaded) ctx.out(`${agent.detail}\n`)
  }
  return paired.ok ? 0 : 1
}
