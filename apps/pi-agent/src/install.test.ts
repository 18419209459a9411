import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CommandResult, CommandRunner } from '@keyroom/device-kit'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { HIDG_UDEV_RULE, install, UNIT_NAME, uninstall } from './install.js'
import { HID_UNIT_NAME } from './systemd-unit.js'

const LINK = 'http://127.0.0.1:3000/#relay=http%3A%2F%2F127.0.0.1%3A3000&room=AAAAAAAAAAAAAAAAAAAAAA&key=B'

function setup(answers: Record<string, number> = {}) {
  const dir = tempDir('keyroom-install-')
  mkdirSync(join(dir, 'dist'))
  writeFileSync(join(dir, 'dist', 'main.js'), '')
  const pins = join(dir, 'pins.json')
  writeFileSync(pins, JSON.stringify({ outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] }))
  const calls: string[] = []
  const run: CommandRunner = async (command, args): Promise<CommandResult> => {
    const line = [command, ...args].join(' ')
    calls.push(line)
    const code = Object.entries(answers).find(([prefix]) => line.startsWith(prefix))?.[1] ?? 0
    return { code, stdout: '', stderr: code === 0 ? '' : 'nope' }
  }
  const said: string[] = []
  const options = {
    link: LINK,
    pins,
    run,
    main: join(dir, 'dist', 'main.js'),
    unitDir: join(dir, 'systemd'),
    etcDir: join(dir, 'etc'),
    say: (line: string) => said.push(line),
  }
  return { dir, calls, said, options }
}

describe('install', () => {
  it('creates the user, writes a 0600 environment file and the unit, then reloads and enables', async () => {
    const { dir, calls, options } = setup({ 'id -u': 1 })
    const installed = await install(options)
    expect(installed).toEqual({ ok: true, value: join(dir, 'systemd', UNIT_NAME) })
    const unitFile = join(dir, 'systemd', UNIT_NAME)
    expect(calls).toEqual([
      'getent group gpio',
      'id -u keyroom-pi',
      'useradd --system --user-group --no-create-home --shell /usr/sbin/nologin --groups gpio keyroom-pi',
      'systemctl daemon-reload',
      `systemctl enable --now ${UNIT_NAME}`,
    ])
    const env = join(dir, 'etc', 'keyroom-pi.env')
    expect(statSync(env).mode & 0o777).toBe(0o600)
    expect(readFileSync(env, 'utf8')).toContain(`KEYROOM_LINK="${LINK}"`)
    const unit = readFileSync(unitFile, 'utf8')
    expect(unit).toContain(`EnvironmentFile=${env}`)
    expect(unit).toContain(`ExecStart=${process.execPath} ${options.main} run --pins ${options.pins}`)
  })

  it('--dry-run checks, then prints every file and command, and writes and changes nothing', async () => {
    const { dir, calls, said, options } = setup({ 'id -u': 1 })
    const udevDir = join(dir, 'udev')
    const installed = await install({ ...options, hid: {}, udevDir, dryRun: true })
    expect(installed).toEqual({ ok: true, value: join(dir, 'systemd', UNIT_NAME) })
    // Only the read-only checks ran.
    expect(calls).toEqual(['getent group gpio', 'id -u keyroom-pi'])
    const text = said.join('\n')
    const env = join(dir, 'etc', 'keyroom-pi.env')
    expect(text).toContain('would run useradd --system --user-group --no-create-home')
    expect(text).toContain(`would write ${env} (mode 0600):`)
    expect(text).toContain('KEYROOM_LINK="<the pairing link: not shown, it holds the room key>"')
    expect(text).not.toContain('key=B')
    expect(text).toContain(`would write ${join(dir, 'systemd', UNIT_NAME)} (mode 0644):\n[Unit]`)
    expect(text).toContain(`ExecStart=${process.execPath} ${options.main} run --pins ${options.pins}`)
    expect(text).toContain(`would write ${join(dir, 'systemd', HID_UNIT_NAME)} (mode 0644):`)
    expect(text).toContain(`would write ${join(udevDir, HIDG_UDEV_RULE)} (mode 0644):`)
    expect(text).toContain('would run udevadm control --reload-rules')
    expect(text).toContain(`would reload systemd and enable --now ${UNIT_NAME}`)
    expect(said.at(-1)).toBe('nothing was written (--dry-run)')
    for (const path of [join(dir, 'etc'), join(dir, 'systemd'), udevDir]) expect(existsSync(path)).toBe(false)
  })

  it('keeps an existing user and stops at the first failing step', async () => {
    const { calls, options } = setup({ 'systemctl enable': 1 })
    expect(await install(options)).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(/systemctl enable --now keyroom-pi.service failed \(1\): nope/),
      },
    })
    expect(calls.some((c) => c.startsWith('useradd'))).toBe(false)
  })

  it('refuses a bad pin map, a relative path, a missing build and a missing gpio group', async () => {
    const { options, dir, calls } = setup({ 'getent group gpio': 2 })
    writeFileSync(join(dir, 'bad.json'), '{"outputs":[{"key":"KeyL","pin":99,"mode":"hold"}]}')
    expect(await install({ ...options, pins: join(dir, 'bad.json') })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/outputs\.0\.pin/) },
    })
    expect(await install({ ...options, pins: 'pins.json' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/absolute/) },
    })
    expect(await install({ ...options, main: join(dir, 'nope.js') })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/build first/) },
    })
    expect(calls).toEqual([])
    expect(await install(options)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/no "gpio" group/) },
    })
  })
})

describe('uninstall', () => {
  it('removes what install --driver hid wrote: both units, the environment file and the udev rule', async () => {
    const { dir, options } = setup()
    const udevDir = join(dir, 'udev')
    expect(await install({ ...options, hid: {}, udevDir })).toMatchObject({ ok: true })
    const files = [
      join(dir, 'systemd', UNIT_NAME),
      join(dir, 'systemd', HID_UNIT_NAME),
      join(dir, 'etc', 'keyroom-pi.env'),
      join(udevDir, HIDG_UDEV_RULE),
    ]
    for (const file of files) expect(existsSync(file), file).toBe(true)
    const removed = await uninstall({
      run: options.run,
      unitDir: options.unitDir,
      etcDir: options.etcDir,
      udevDir,
    })
    expect(removed).toMatchObject({ ok: true })
    for (const file of files) expect(existsSync(file), file).toBe(false)
  })
})
