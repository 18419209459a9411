import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createRoom, formatPairingLink } from '@keyroom/room-client'
import { describe, expect, it } from 'vitest'
import { parsePlist } from '../test/plist-parse.js'
import { tempDir } from '../test/temp-dir.js'
import { type CommandContext, install, pair, status, uninstall } from './commands.js'
import type { CommandRunner } from './run-command.js'

async function context(platform: string) {
  const output: string[] = []
  const calls: string[][] = []
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args])
    return { code: 0, stdout: 'state = running', stderr: '' }
  }
  const home = await tempDir()
  const mainPath = join(home, 'app', 'dist', 'main.js')
  const ctx: CommandContext = {
    out: (text) => void output.push(text),
    configDir: join(home, 'config'),
    platform,
    run,
    home,
    uid: 501,
    mainPath,
  }
  return { ctx, output, calls, home, mainPath, text: () => output.join('') }
}

/** Stands in for `pnpm build`: the file the LaunchAgent will run. */
async function build(mainPath: string) {
  await mkdir(dirname(mainPath), { recursive: true })
  await writeFile(mainPath, '')
}

describe('commands', () => {
  it('pair --link stores the link and prints it with a QR code; a bad link is refused', async () => {
    const { ctx, text } = await context('linux')
    const link = formatPairingLink(createRoom('http://127.0.0.1:4000'), 'https://keys.example/')
    expect(await pair({ kind: 'pair', link }, ctx)).toBe(0)
    expect(text()).toContain('#relay=http%3A%2F%2F127.0.0.1%3A4000')
    expect(text()).toContain('▄')
    expect(await status(ctx)).toBe(0)
    expect(text()).toContain('paired: room')
    expect(await pair({ kind: 'pair', link: 'https://x/#room=1' }, ctx)).toBe(2)
    expect(text()).toContain('relay=')
  })

  it('install is macOS only, and needs a build and a pairing', async () => {
    const linux = await context('linux')
    expect(await install({ kind: 'install', driver: 'nut' }, linux.ctx)).toBe(2)
    expect(linux.text()).toContain('macOS')
    expect(await uninstall(linux.ctx)).toBe(2)

    const mac = await context('darwin')
    expect(await install({ kind: 'install', driver: 'nut' }, mac.ctx)).toBe(2)
    expect(mac.text()).toContain('build')
    await build(mac.mainPath)
    expect(await install({ kind: 'install', driver: 'nut' }, mac.ctx)).toBe(2)
    expect(mac.text()).toContain('keyroom-receiver pair')
  })

  it('install on macOS writes the LaunchAgent that runs the built receiver, and loads it', async () => {
    const mac = await context('darwin')
    await build(mac.mainPath)
    await pair({ kind: 'pair', relay: 'http://127.0.0.1:4000' }, mac.ctx)
    expect(await install({ kind: 'install', driver: 'nut', name: 'studio' }, mac.ctx)).toBe(0)
    const plistPath = join(mac.home, 'Library', 'LaunchAgents', 'dev.keyroom.receiver.plist')
    expect(parsePlist(await readFile(plistPath, 'utf8'))).toMatchObject({
      ProgramArguments: [process.execPath, mac.mainPath, 'run', '--driver', 'nut', '--name', 'studio'],
      WorkingDirectory: join(mac.home, 'app'),
      EnvironmentVariables: { KEYROOM_CONFIG_DIR: mac.ctx.configDir },
    })
    expect(mac.calls).toContainEqual(['launchctl', 'bootstrap', 'gui/501', plistPath])
    expect(mac.text()).toContain('Accessibility')
    expect(await status(mac.ctx)).toBe(0)
    expect(mac.text()).toContain('LaunchAgent: installed, loaded')
    expect(await uninstall(mac.ctx)).toBe(0)
    expect(mac.calls.at(-1)).toEqual(['launchctl', 'bootout', 'gui/501/dev.keyroom.receiver'])
  })
})
