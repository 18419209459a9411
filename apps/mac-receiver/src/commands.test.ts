import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  type CommandRunner,
  defaultDeviceName,
  devicesCommand as devices,
  pairCommand,
} from '@keyroom/device-kit'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { parsePlist, tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { type CommandContext, install, status, TOOL, uninstall } from './commands.js'

const pair = (command: Parameters<typeof pairCommand>[1], ctx: CommandContext) =>
  pairCommand(TOOL, command, ctx)

async function context(platform: string) {
  const output: string[] = []
  const calls: string[][] = []
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args])
    return { code: 0, stdout: 'state = running', stderr: '' }
  }
  const home = tempDir('keyroom-receiver-')
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
  it("pair --relay makes a room and prints this computer's link with a QR code; status reads the device store", async () => {
    const { ctx, text } = await context('linux')
    expect(await status(ctx)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('pair') },
    })
    expect(
      await pair({ kind: 'pair', relay: 'http://127.0.0.1:4000', keypad: 'https://keys.example/' }, ctx),
    ).toEqual({ ok: true, value: undefined })
    expect(text()).toContain('https://keys.example/#v=2&relay=http%3A%2F%2F127.0.0.1%3A4000')
    expect(text()).toContain(`&name=${encodeURIComponent(defaultDeviceName())}`)
    expect(text()).toContain('▄')
    const store = openDeviceStore(ctx.configDir)
    expect(await status(ctx)).toMatchObject({ ok: true })
    expect(text()).toContain('paired: relay http://127.0.0.1:4000')
    expect(text()).toContain(`this device's fingerprint: ${store.identity().fingerprint}`)
    expect(text()).toContain('devices: 0 approved, 0 pending')
    expect(await devices({ kind: 'devices', action: 'list', json: true }, ctx)).toEqual({
      ok: true,
      value: undefined,
    })
    expect(text()).toContain('[]')
    expect(await devices({ kind: 'devices', action: 'approve', target: '123456' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'no-such-device' },
    })
  })

  it("pair --link-file joins another device's room under --name; a v1 or unreadable link is refused", async () => {
    const other = await context('linux')
    await pair({ kind: 'pair', relay: 'http://127.0.0.1:4000' }, other.ctx)
    const linkFile = join(other.home, 'link.txt')
    await writeFile(linkFile, (other.text().match(/http\S*#v=2\S*/) ?? [''])[0])
    const { ctx, text } = await context('linux')
    expect(
      await pair(
        { kind: 'pair', link: { kind: 'file', path: linkFile }, name: 'desk', windowSeconds: 60 },
        ctx,
      ),
    ).toEqual({ ok: true, value: undefined })
    expect(openDeviceStore(ctx.configDir).room()).toEqual(openDeviceStore(other.ctx.configDir).room())
    expect(text()).toContain('&name=desk')
    expect(text()).toContain('within 60 seconds')
    await writeFile(linkFile, 'https://x/#relay=http%3A%2F%2Fr&room=1&key=2')
    expect(await pair({ kind: 'pair', link: { kind: 'file', path: linkFile } }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('older keyroom') },
    })
    expect(
      await pair({ kind: 'pair', link: { kind: 'file', path: join(other.home, 'missing') } }, ctx),
    ).toMatchObject({ ok: false, error: { code: 'usage', message: expect.stringContaining('cannot read') } })
  })

  it('install needs a build and a pairing, and a platform with a service manager', async () => {
    const windows = await context('win32')
    expect(await install({ kind: 'install', driver: 'nut' }, windows.ctx)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('macOS') },
    })
    expect(await uninstall(windows.ctx)).toMatchObject({ ok: false, error: { code: 'usage' } })

    const mac = await context('darwin')
    expect(await install({ kind: 'install', driver: 'nut' }, mac.ctx)).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('build') },
    })
    await build(mac.mainPath)
    expect(await install({ kind: 'install', driver: 'nut' }, mac.ctx)).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('keyroom-receiver pair') },
    })
  })

  it('install on Linux writes a systemd --user unit that runs the built receiver, and enables it', async () => {
    const linux = await context('linux')
    await build(linux.mainPath)
    await pair({ kind: 'pair', relay: 'http://127.0.0.1:4000' }, linux.ctx)
    expect(await install({ kind: 'install', driver: 'log', name: 'desk' }, linux.ctx)).toEqual({
      ok: true,
      value: undefined,
    })
    const unitPath = join(linux.home, '.config', 'systemd', 'user', 'keyroom-receiver.service')
    const unit = await readFile(unitPath, 'utf8')
    expect(unit).toContain(`ExecStart=${process.execPath} ${linux.mainPath} run --driver log --name desk`)
    expect(unit).toContain(`Environment=KEYROOM_CONFIG_DIR=${linux.ctx.configDir}`)
    expect(unit).toContain('WantedBy=graphical-session.target')
    expect(linux.calls).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'keyroom-receiver.service'],
    ])
    expect(await status(linux.ctx)).toMatchObject({ ok: true })
    expect(linux.text()).toContain('systemd --user unit: installed, loaded')
    expect(await uninstall(linux.ctx)).toMatchObject({ ok: true })
    expect(linux.calls.slice(-2)).toEqual([
      ['systemctl', '--user', 'disable', '--now', 'keyroom-receiver.service'],
      ['systemctl', '--user', 'daemon-reload'],
    ])
    expect(existsSync(unitPath)).toBe(false)
  })

  it('install on macOS writes the LaunchAgent that runs the built receiver, and loads it', async () => {
    const mac = await context('darwin')
    await build(mac.mainPath)
    await pair({ kind: 'pair', relay: 'http://127.0.0.1:4000' }, mac.ctx)
    expect(await install({ kind: 'install', driver: 'nut', name: 'studio' }, mac.ctx)).toMatchObject({
      ok: true,
    })
    const plistPath = join(mac.home, 'Library', 'LaunchAgents', 'dev.keyroom.receiver.plist')
    expect(parsePlist(await readFile(plistPath, 'utf8'))).toMatchObject({
      ProgramArguments: [process.execPath, mac.mainPath, 'run', '--driver', 'nut', '--name', 'studio'],
      WorkingDirectory: join(mac.home, 'app'),
      EnvironmentVariables: { KEYROOM_CONFIG_DIR: mac.ctx.configDir },
    })
    expect(mac.calls).toContainEqual(['launchctl', 'bootstrap', 'gui/501', plistPath])
    expect(mac.text()).toContain('Accessibility')
    expect(await status(mac.ctx)).toMatchObject({ ok: true })
    expect(mac.text()).toContain('LaunchAgent: installed, loaded')
    expect(await uninstall(mac.ctx)).toMatchObject({ ok: true })
    expect(mac.calls.at(-1)).toEqual(['launchctl', 'bootout', 'gui/501/dev.keyroom.receiver'])
  })

  it('install --dry-run prints the unit or plist and where it goes, and writes and runs nothing', async () => {
    for (const platform of ['linux', 'darwin']) {
      const device = await context(platform)
      await build(device.mainPath)
      await pair({ kind: 'pair', relay: 'http://127.0.0.1:4000' }, device.ctx)
      const before = device.calls.length
      expect(await install({ kind: 'install', driver: 'log', dryRun: true }, device.ctx)).toEqual({
        ok: true,
        value: undefined,
      })
      const file =
        platform === 'linux'
          ? join(device.home, '.config', 'systemd', 'user', 'keyroom-receiver.service')
          : join(device.home, 'Library', 'LaunchAgents', 'dev.keyroom.receiver.plist')
      expect(device.text()).toContain(`would write ${file}:\n`)
      expect(device.text()).toContain(platform === 'linux' ? `ExecStart=${process.execPath}` : '<plist')
      expect(device.text()).toContain('nothing was written (--dry-run)')
      expect(existsSync(file)).toBe(false)
      expect(device.calls.slice(before)).toEqual([])
    }
  })
})
