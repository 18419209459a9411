import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CommandResult, CommandRunner } from '@keyroom/device-kit'
import { pairDeviceDir, tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { HIDG_UDEV_RULE, install, UNIT_NAME, uninstall } from './install.js'
import { HID_UNIT_NAME } from './systemd-unit.js'

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
  // As `keyroom-pi pair` leaves it (run as root with KEYROOM_CONFIG_DIR=/var/lib/keyroom-pi on a Pi).
  const paired = pairDeviceDir('http://127.0.0.1:9', { name: 'door-pi' })
  const options = {
    stateDir: paired.configDir,
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
  it('creates the user, hands it the paired state dir (0700), writes the unit, then reloads and enables', async () => {
    const { dir, calls, options } = setup({ 'id -u': 1 })
    chmodSync(options.stateDir, 0o755)
    const installed = await install(options)
    expect(installed).toEqual({ ok: true, value: join(dir, 'systemd', UNIT_NAME) })
    const unitFile = join(dir, 'systemd', UNIT_NAME)
    expect(calls).toEqual([
      'getent group gpio',
      'id -u keyroom-pi',
      'useradd --system --user-group --no-create-home --shell /usr/sbin/nologin --groups gpio keyroom-pi',
      `chown -R keyroom-pi:keyroom-pi ${options.stateDir}`,
      'systemctl daemon-reload',
      `systemctl enable --now ${UNIT_NAME}`,
    ])
    // The Pi's private key: nobody but the service user reads it.
    expect(statSync(options.stateDir).mode & 0o777).toBe(0o700)
    for (const file of readdirSync(options.stateDir))
      expect(statSync(join(options.stateDir, file)).mode & 0o777, file).toBe(0o600)
    expect(existsSync(join(dir, 'etc'))).toBe(false)
    const unit = readFileSync(unitFile, 'utf8')
    expect(unit).toContain(`Environment=KEYROOM_CONFIG_DIR=${options.stateDir}`)
    expect(unit).toContain(`ReadWritePaths=${options.stateDir}`)
    expect(unit).not.toContain('EnvironmentFile')
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
    expect(text).toContain('would run useradd --system --user-group --no-create-home')
    expect(text).toContain(`would run chown -R keyroom-pi:keyroom-pi ${options.stateDir}`)
    expect(text).not.toContain('KEYROOM_LINK')
    expect(text).not.toContain(readFileSync(join(options.stateDir, 'devices.json'), 'utf8').slice(0, 40))
    expect(text).toContain(`would write ${join(dir, 'systemd', UNIT_NAME)} (mode 0644):\n[Unit]`)
    expect(text).toContain(`ExecStart=${process.execPath} ${options.main} run --pins ${options.pins}`)
    expect(text).toContain(`would write ${join(dir, 'systemd', HID_UNIT_NAME)} (mode 0644):`)
    expect(text).toContain(`would write ${join(udevDir, HIDG_UDEV_RULE)} (mode 0644):`)
    expect(text).toContain('would run udevadm control --reload-rules')
    expect(text).toContain(`would reload systemd and enable --now ${UNIT_NAME}`)
    expect(said.at(-1)).toBe('nothing was written (--dry-run)')
    for (const path of [join(dir, 'etc'), join(dir, 'systemd'), udevDir]) expect(existsSync(path)).toBe(false)
  })

  it('refuses a dir that was never paired, an older pairing and a dir under /home, naming the fix', async () => {
    const { options, calls } = setup()
    const empty = tempDir('keyroom-unpaired-')
    expect(await install({ ...options, stateDir: empty })).toMatchObject({
      ok: false,
      error: {
        code: 'usage',
        message: expect.stringMatching(/not paired: run "keyroom-pi pair --relay URL" first/),
      },
    })
    const older = tempDir('keyroom-v1-')
    writeFileSync(join(older, 'pairing.json'), '{"link":"http://x/#relay=a&room=b&key=c"}')
    expect(await install({ ...options, stateDir: older })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/older keyroom .* pair again/) },
    })
    expect(await install({ ...options, stateDir: '/home/pi/.config/keyroom-pi' })).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(/under \/home or \/root.*KEYROOM_CONFIG_DIR=\/var\/lib\/keyroom-pi/),
      },
    })
    expect(calls).toEqual([])
  })

  it("removes an older install's environment file (it held a room key)", async () => {
    const { dir, said, options } = setup()
    mkdirSync(join(dir, 'etc'))
    writeFileSync(join(dir, 'etc', 'keyroom-pi.env'), 'KEYROOM_LINK="http://x/#key=c"\n')
    expect(await install(options)).toMatchObject({ ok: true })
    expect(existsSync(join(dir, 'etc', 'keyroom-pi.env'))).toBe(false)
    expect(said).toContain(`removed ${join(dir, 'etc', 'keyroom-pi.env')} (an older keyroom's room key)`)
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
  it('removes what install --driver hid wrote: both units and the udev rule; the paired state dir stays', async () => {
    const { dir, options } = setup()
    const udevDir = join(dir, 'udev')
    expect(await install({ ...options, hid: {}, udevDir })).toMatchObject({ ok: true })
    const files = [
      join(dir, 'systemd', UNIT_NAME),
      join(dir, 'systemd', HID_UNIT_NAME),
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
    expect(existsSync(join(options.stateDir, 'devices.json'))).toBe(true)
  })
})
