import { existsSync } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseDeviceLink } from '@keyroom/room-client'
import { joinAsDevice, pairDeviceDir, startTestRelay, tempDir, waitForDevice } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { refusedCodes } from '../src/key-map.js'
import { approvedKeypad, newWindowLink, noticesOf, pairedReceiver, runCli, spawnReceiver } from './helpers.js'

// A code this platform has no key for: the receiver must refuse it and carry on.
const UNSUPPORTED = process.platform === 'darwin' ? 'F24' : 'ContextMenu'

describe('keyroom-receiver --driver log', () => {
  it('pairs, then runs with the stored pairing and prints one JSON line per key action', async () => {
    const started = await startTestRelay()
    const configDir = tempDir('keyroom-receiver-')
    const paired = await runCli(['pair', '--relay', started.url, '--name', 'log mac'], {
      KEYROOM_CONFIG_DIR: configDir,
    })
    expect(paired.code).toBe(0)
    const linkText = paired.stdout.split('\n').find((line) => line.includes('#v=2&'))
    expect(linkText).toBeDefined()
    expect((await stat(join(configDir, 'devices.json'))).mode & 0o777).toBe(0o600)

    const receiver = await spawnReceiver({ driver: 'log', name: 'log mac', configDir })
    const parsed = parseDeviceLink(linkText ?? '')
    if (!parsed.ok) throw new Error(parsed.error.message)
    const phone = await approvedKeypad(parsed.value, 'log mac')
    expect(phone.peers()[0]).toMatchObject({
      role: 'mac-receiver',
      caps: {
        inject: true,
        platform: process.platform,
        cannot: refusedCodes(process.platform).map((r) => r.code),
      },
    })

    await phone.send({ type: 'text', text: 'Hi "there"' })
    await phone.send({ type: 'key', code: 'ShiftLeft', phase: 'down' })
    await phone.send({ type: 'key', code: 'ShiftLeft', phase: 'up' })
    await phone.send({ type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' })
    await phone.send({ type: 'key', code: UNSUPPORTED, phase: 'tap' })
    await phone.send({ type: 'key', code: 'KeyZ', phase: 'tap' })
    await vi.waitFor(() => expect(receiver.lines).toHaveLength(11))
    expect(receiver.lines).toEqual([
      { action: 'type', text: 'Hi "there"' },
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
      { action: 'down', code: 'MetaLeft' },
      { action: 'down', code: 'ShiftLeft' },
      { action: 'down', code: 'Digit4' },
      { action: 'up', code: 'Digit4' },
      { action: 'up', code: 'ShiftLeft' },
      { action: 'up', code: 'MetaLeft' },
      { action: 'down', code: 'KeyZ' },
      { action: 'up', code: 'KeyZ' },
    ])
    // The refused key: a log line naming it, and a notice back to the keypad that sent it.
    await vi.waitFor(() => expect(noticesOf(phone)).toHaveLength(1))
    expect(noticesOf(phone)[0]).toMatchObject({
      code: 'unsupported-key',
      message: expect.stringContaining(UNSUPPORTED),
    })
    await vi.waitFor(() =>
      expect(receiver.logs).toContainEqual(
        expect.objectContaining({ key: UNSUPPORTED, code: 'unsupported-key' }),
      ),
    )
  })

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s while a key is held: releases it, then exits 0',
    async (signal) => {
      const started = await startTestRelay()
      const { paired, receiver } = await pairedReceiver(started.url, { driver: 'log', name: 'log mac' })
      const phone = await approvedKeypad(paired.link, 'log mac')
      await phone.send({ type: 'key', code: 'ShiftLeft', phase: 'down' })
      await vi.waitFor(() => expect(receiver.lines).toEqual([{ action: 'down', code: 'ShiftLeft' }]))
      receiver.child.kill(signal)
      expect(await receiver.exited).toEqual({ code: 0, signal: null })
      expect(receiver.lines).toEqual([
        { action: 'down', code: 'ShiftLeft' },
        { action: 'up', code: 'ShiftLeft' },
      ])
      expect(receiver.logs).toContainEqual(expect.objectContaining({ reason: 'shutdown', code: 'ShiftLeft' }))
      expect(receiver.logs).toContainEqual(expect.objectContaining({ cause: signal }))
    },
  )

  it('its own connection drops mid-hold: releases, then serves again when the relay is back', async () => {
    const first = await startTestRelay()
    const { paired, receiver } = await pairedReceiver(first.url, { driver: 'log', name: 'log mac' })
    const phone = await approvedKeypad(paired.link, 'log mac')
    await phone.send({ type: 'key', code: 'AltLeft', phase: 'down' })
    await vi.waitFor(() => expect(receiver.lines).toEqual([{ action: 'down', code: 'AltLeft' }]))
    await first.close()
    await vi.waitFor(() => expect(receiver.lines).toHaveLength(2))
    expect(receiver.lines[1]).toEqual({ action: 'up', code: 'AltLeft' })
    await vi.waitFor(() =>
      expect(receiver.logs).toContainEqual(
        expect.objectContaining({ code: 'AltLeft', reason: 'socket-drop' }),
      ),
    )
    // The keypad noticed too (its view of the room is cleared), so the next peer it sees is a fresh handshake.
    await vi.waitFor(() => expect(phone.peers()).toEqual([]))
    // Same address: both reconnect on their own, shake hands again, and the keypad is still approved.
    await startTestRelay({ port: first.port })
    await waitForDevice(phone, 'log mac', 'approved', 15_000)
    expect(await phone.send({ type: 'key', code: 'KeyY', phase: 'tap' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(receiver.lines).toHaveLength(4))
    expect(receiver.lines.slice(2)).toEqual([
      { action: 'down', code: 'KeyY' },
      { action: 'up', code: 'KeyY' },
    ])
  })

  it('a member of the room that is pending, and one that was revoked: each key refused with a notice and a log line, nothing typed', async () => {
    const started = await startTestRelay()
    const { paired, receiver } = await pairedReceiver(started.url, { driver: 'log', name: 'log mac' })
    const phone = await approvedKeypad(paired.link, 'log mac')
    // The window's secret is used up: a second device with the link (it has the room) waits as pending.
    const stranger = await joinAsDevice(paired.link, 'keypad', 'stranger')
    await waitForDevice(stranger, 'log mac', 'pending')
    const fired = await joinAsDevice(newWindowLink(paired), 'keypad', 'fired')
    await waitForDevice(fired, 'log mac', 'approved')
    paired.store.revoke('fired')
    await waitForDevice(fired, 'log mac', 'revoked')
    for (const device of [stranger, fired]) {
      expect(
        await device.send({ type: 'text', text: `${device === fired ? 'fired' : 'stranger'} was here` }),
      ).toEqual({
        ok: true,
      })
      await device.send({ type: 'key', code: 'KeyQ', phase: 'down' })
    }
    await vi.waitFor(() => {
      expect(noticesOf(stranger).map((n) => n.code)).toEqual(['not-approved', 'not-approved'])
      expect(noticesOf(fired).map((n) => n.code)).toEqual(['revoked', 'revoked'])
    })
    expect(noticesOf(stranger)[0]).toMatchObject({
      message: expect.stringContaining('not approved on log mac'),
    })
    const dropped = () =>
      receiver.logs.filter((l) => String(l.msg).startsWith('dropped a message (')).map((l) => l.reason)
    await vi.waitFor(() => expect(dropped()).toEqual(['not-approved', 'not-approved', 'revoked', 'revoked']))
    await phone.send({ type: 'text', text: 'still here' })
    await vi.waitFor(() => expect(receiver.lines).toEqual([{ action: 'type', text: 'still here' }]))
    expect(receiver.child.exitCode).toBeNull()
  })

  it('runs through the root script, `pnpm receiver run --driver log --name …`; Ctrl+C releases', async () => {
    const started = await startTestRelay()
    const { paired, receiver } = await pairedReceiver(started.url, {
      driver: 'log',
      name: 'pnpm mac',
      via: 'pnpm',
    })
    const phone = await joinAsDevice(paired.link, 'keypad', 'phone')
    await waitForDevice(phone, 'pnpm mac', 'approved', 15_000)
    await phone.send({ type: 'chord', modifiers: ['ControlLeft'], code: 'KeyV' })
    await phone.send({ type: 'key', code: 'ShiftRight', phase: 'down' })
    await vi.waitFor(() => expect(receiver.lines).toHaveLength(5))
    // A terminal's Ctrl+C: SIGINT to pnpm and the receiver under it.
    receiver.signal('SIGINT')
    await receiver.exited
    expect(receiver.lines).toEqual([
      { action: 'down', code: 'ControlLeft' },
      { action: 'down', code: 'KeyV' },
      { action: 'up', code: 'KeyV' },
      { action: 'up', code: 'ControlLeft' },
      { action: 'down', code: 'ShiftRight' },
      { action: 'up', code: 'ShiftRight' },
    ])
    expect(receiver.logs).toContainEqual(expect.objectContaining({ code: 'ShiftRight', reason: 'shutdown' }))
  })

  // libnut segfaults on the first key when it cannot open the display: the receiver must refuse to start instead.
  it.runIf(process.platform === 'linux')(
    '--driver nut without a usable X display: refuses to start, naming the display',
    async () => {
      const { configDir } = pairDeviceDir('http://127.0.0.1:9')
      // An undefined value leaves the variable out of the child's environment.
      const unset = await runCli(['run', '--driver', 'nut'], {
        KEYROOM_CONFIG_DIR: configDir,
        DISPLAY: undefined,
      })
      const logged = (stderr: string) =>
        stderr
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { msg: string }).msg)
      expect(unset.code).toBe(2)
      expect(logged(unset.stderr)).toEqual([expect.stringContaining('DISPLAY is not set')])
      let free = 4_000 + Math.floor(Math.random() * 1_000)
      while (existsSync(`/tmp/.X11-unix/X${free}`)) free += 1
      const missing = await runCli(['run', '--driver', 'nut'], {
        KEYROOM_CONFIG_DIR: configDir,
        DISPLAY: `:${free}`,
      })
      expect(missing.code).toBe(2)
      expect(logged(missing.stderr)).toEqual([expect.stringContaining(`cannot open X display ":${free}"`)])
    },
  )

  it('run unpaired, or with a pairing from an older keyroom, says to pair (exit 2); run takes no link', async () => {
    const configDir = tempDir('keyroom-receiver-')
    const unpaired = await runCli(['run', '--driver', 'log'], { KEYROOM_CONFIG_DIR: configDir })
    expect(unpaired.code).toBe(2)
    expect(unpaired.stderr).toContain(
      'this device is not paired: run \\"keyroom-receiver pair --relay URL\\" first',
    )
    // What a v1 `pair` left: one room key for everyone.
    const old = tempDir('keyroom-receiver-')
    await writeFile(
      join(old, 'pairing.json'),
      JSON.stringify({ relay: 'http://127.0.0.1:4000', room: 'r'.repeat(22), key: 'k'.repeat(43) }),
    )
    const older = await runCli(['run', '--driver', 'log'], { KEYROOM_CONFIG_DIR: old })
    expect(older.code).toBe(2)
    expect(older.stderr).toContain('is from an older keyroom (one key for everyone): pair again')
    const withLink = await runCli(['run', '--link', '-'], { KEYROOM_CONFIG_DIR: configDir })
    expect(withLink).toMatchObject({ code: 2, stderr: expect.stringContaining('run does not take --link') })
    const usage = await runCli(['--driver', 'robot'], { KEYROOM_CONFIG_DIR: configDir })
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('"robot"') })
  })
})
