import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { quoteArg } from '@keyroom/device-kit'
import { tempDir as makeTempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { renderHidgUdevRule, renderHidUnit, renderUnit } from './systemd-unit.js'

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0

const tempDir = () => makeTempDir('keyroom-unit-')

/** Real paths: verify fails when the ExecStart binary is missing. */
function unitIn(dir: string, extra: Partial<Parameters<typeof renderUnit>[0]> = {}) {
  const main = join(dir, 'dist', 'main.js')
  execFileSync('mkdir', ['-p', join(dir, 'dist')])
  writeFileSync(main, '')
  writeFileSync(join(dir, 'pins.json'), '{}')
  const unit = renderUnit({
    node: process.execPath,
    main,
    pins: join(dir, 'pins.json'),
    stateDir: '/var/lib/keyroom-pi',
    name: 'front door',
    ...extra,
  })
  const file = join(dir, 'keyroom-pi.service')
  writeFileSync(file, unit)
  return { unit, file }
}

describe('systemd unit', () => {
  it('has the user, group, restart policy and the hardening that keeps sysfs GPIO writable', () => {
    const { unit } = unitIn(tempDir())
    for (const line of [
      'User=keyroom-pi',
      'SupplementaryGroups=gpio',
      'After=network-online.target',
      'Wants=network-online.target',
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'PrivateTmp=yes',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
      'CapabilityBoundingSet=',
      'ExecReload=/bin/kill -USR2 $MAINPID',
    ]) {
      expect(unit.split('\n')).toContain(line)
    }
    for (const breaker of ['PrivateDevices', 'ProtectKernelTunables', 'MemoryDenyWriteExecute']) {
      expect(unit).not.toContain(breaker)
    }
    expect(unit).toMatch(
      /^ExecStart=\/\S+ \/\S+\/dist\/main\.js run --pins \/\S+\/pins\.json --name "front door"$/m,
    )
  })

  it('sets every output safe after any stop, a crash or SIGKILL too (ExecStopPost runs safe-outputs)', () => {
    const base = { node: '/usr/bin/node', main: '/opt/k/dist/main.js', stateDir: '/var/lib/keyroom-pi' }
    const lines = (unit: string) => unit.split('\n').filter((line) => line.startsWith('ExecStopPost='))
    expect(lines(renderUnit({ ...base, pins: '/etc/keyroom-pi/my pins.json' }))).toEqual([
      'ExecStopPost=/usr/bin/node /opt/k/dist/main.js safe-outputs --pins "/etc/keyroom-pi/my pins.json"',
    ])
    expect(lines(renderUnit({ ...base, hid: {} }))).toEqual([
      'ExecStopPost=/usr/bin/node /opt/k/dist/main.js safe-outputs --driver hid',
    ])
    expect(lines(renderUnit({ ...base, pins: '/etc/p.json', hid: { layout: 'de' } }))).toEqual([
      'ExecStopPost=/usr/bin/node /opt/k/dist/main.js safe-outputs --pins /etc/p.json --driver hid',
    ])
    // No "-" prefix: a failure to make the outputs safe shows as a failed unit.
    expect(renderUnit({ ...base, pins: '/p' })).not.toMatch(/^ExecStopPost=-/m)
  })

  it('makes /home read-only rather than hidden when the node or the app lives there', () => {
    const base = {
      main: '/opt/k/dist/main.js',
      pins: '/etc/keyroom-pi/pins.json',
      stateDir: '/var/lib/keyroom-pi',
    }
    expect(renderUnit({ ...base, node: '/usr/bin/node' })).toContain('ProtectHome=yes')
    expect(renderUnit({ ...base, node: '/home/pi/.nvm/versions/node/v20/bin/node' })).toContain(
      'ProtectHome=read-only',
    )
  })

  it('quotes ExecStart words and escapes specifiers', () => {
    expect(quoteArg('/usr/bin/node')).toBe('/usr/bin/node')
    expect(quoteArg('/srv/my pins.json')).toBe('"/srv/my pins.json"')
    expect(quoteArg('100%')).toBe('100%%')
    expect(quoteArg('say "hi"')).toBe('"say \\"hi\\""')
  })

  it('points KEYROOM_CONFIG_DIR at the paired state dir, writable under ProtectSystem, and holds no link', () => {
    const base = { node: '/usr/bin/node', main: '/opt/k/dist/main.js', pins: '/etc/p.json' }
    const lines = renderUnit({ ...base, stateDir: '/var/lib/keyroom-pi' }).split('\n')
    for (const line of [
      'Environment=KEYROOM_CONFIG_DIR=/var/lib/keyroom-pi',
      'ReadWritePaths=/var/lib/keyroom-pi',
      'StateDirectoryMode=0700',
      'UMask=0077',
    ])
      expect(lines).toContain(line)
    expect(lines.join('\n')).not.toMatch(/EnvironmentFile|KEYROOM_LINK/)
    const odd = renderUnit({ ...base, stateDir: '/srv/key room/100%' }).split('\n')
    expect(odd).toContain('Environment="KEYROOM_CONFIG_DIR=/srv/key room/100%%"')
    expect(odd).toContain('ReadWritePaths="/srv/key room/100%%"')
  })

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify without a single line of output', () => {
    const dir = tempDir()
    const { file } = unitIn(dir)
    chmodSync(file, 0o644)
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
    // the check can fail: a unit with a typo does produce output
    writeFileSync(
      file,
      `${renderUnit({ node: process.execPath, main: join(dir, 'dist', 'main.js'), pins: '/p', stateDir: '/var/lib/keyroom-pi' })}Bogus=1\n`,
    )
    const bad = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' })
    expect(bad.stdout + bad.stderr).toMatch(/Unknown key/)
  })

  it('as a USB keyboard: --driver hid and --layout, after and requiring the gadget unit; gpio only with pins', () => {
    const base = { node: '/usr/bin/node', main: '/opt/k/dist/main.js', stateDir: '/var/lib/keyroom-pi' }
    const alone = renderUnit({ ...base, hid: { layout: '/etc/keyroom-pi/de.json' } })
    expect(alone).toMatch(
      /^ExecStart=\/usr\/bin\/node \/opt\/k\/dist\/main\.js run --driver hid --layout \/etc\/keyroom-pi\/de\.json$/m,
    )
    for (const line of [
      'After=network-online.target keyroom-pi-hid.service',
      'Requires=keyroom-pi-hid.service',
    ]) {
      expect(alone.split('\n')).toContain(line)
    }
    expect(alone).not.toContain('SupplementaryGroups')
    const beside = renderUnit({ ...base, pins: '/etc/p.json', hid: {} })
    expect(beside).toMatch(/^ExecStart=\S+ \S+ run --pins \/etc\/p\.json --driver hid$/m)
    expect(beside.split('\n')).toContain('SupplementaryGroups=gpio')
  })

  it('the gadget unit runs hid setup once at boot (libcomposite first) and hid teardown on stop', () => {
    const unit = renderHidUnit({ node: '/usr/bin/node', main: '/opt/k/dist/main.js' }).split('\n')
    for (const line of [
      'Type=oneshot',
      'RemainAfterExit=yes',
      'Before=keyroom-pi.service',
      'ExecStartPre=-/sbin/modprobe libcomposite',
      'ExecStart=/usr/bin/node /opt/k/dist/main.js hid setup',
      'ExecStop=/usr/bin/node /opt/k/dist/main.js hid teardown',
    ]) {
      expect(unit).toContain(line)
    }
    expect(renderHidgUdevRule('keyroom-pi')).toContain(
      'SUBSYSTEM=="hidg", KERNEL=="hidg[0-9]*", GROUP="keyroom-pi", MODE="0660"',
    )
  })

  it.skipIf(!hasSystemdAnalyze)('the USB keyboard units pass systemd-analyze verify without output', () => {
    const dir = tempDir()
    const main = join(dir, 'dist', 'main.js')
    execFileSync('mkdir', ['-p', join(dir, 'dist')])
    writeFileSync(main, '')
    const gadget = join(dir, 'keyroom-pi-hid.service')
    writeFileSync(gadget, renderHidUnit({ node: process.execPath, main }))
    const agent = join(dir, 'keyroom-pi.service')
    writeFileSync(
      agent,
      renderUnit({ node: process.execPath, main, stateDir: '/var/lib/keyroom-pi', hid: {} }),
    )
    const result = spawnSync('systemd-analyze', ['verify', gadget, agent], { encoding: 'utf8' })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})
