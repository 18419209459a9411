import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createRoom, createSealer, formatPairingLink, parsePairingLink } from '@keyroom/room-client'
import {
  joinAsIntruder,
  joinRoom,
  notices,
  startTestRelay,
  tempDir,
  waitForPeer,
  withLegacyRoomId,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { refusedCodes } from '../src/key-map.js'
import { runCli, spawnReceiver } from './helpers.js'

// A code this platform has no key for: the receiver must refuse it and carry on.
const UNSUPPORTED = process.platform === 'darwin' ? 'F24' : 'ContextMenu'

describe('keyroom-receiver --driver log', () => {
  it('pairs, then runs with the stored pairing and prints one JSON line per key action', async () => {
    const started = await startTestRelay()
    const configDir = tempDir('keyroom-receiver-')
    const paired = await runCli(['pair', '--relay', started.url], { KEYROOM_CONFIG_DIR: configDir })
    expect(paired.code).toBe(0)
    const linkText = paired.stdout.split('\n').find((line) => line.includes('#relay='))
    expect(linkText).toBeDefined()
    expect((await stat(join(configDir, 'pairing.json'))).mode & 0o777).toBe(0o600)
    expect(await readFile(join(configDir, 'pairing.json'), 'utf8')).toContain(linkText)

    const receiver = await spawnReceiver({ driver: 'log', name: 'log mac', configDir })
    const parsed = parsePairingLink(linkText ?? '')
    if (!parsed.ok) throw new Error(parsed.error.message)
    const phone = await joinRoom(parsed.value, 'keypad', 'phone')
    await waitForPeer(phone, 'log mac')
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
    await vi.waitFor(() => expect(notices(phone)).toHaveLength(1))
    expect(notices(phone)[0]).toMatchObject({
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
      const link = createRoom(started.url)
      const receiver = await spawnReceiver({ link, driver: 'log', name: 'log mac' })
      const phone = await joinRoom(link, 'keypad', 'phone')
      await waitForPeer(phone, 'log mac')
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
    const link = createRoom(first.url)
    const receiver = await spawnReceiver({ link, driver: 'log', name: 'log mac' })
    const phone = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(phone, 'log mac')
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
    // The keypad noticed too (its view of the room is cleared), so the next peer it sees is a fresh hello.
    await vi.waitFor(() => expect(phone.peers()).toEqual([]))
    // Same address: the receiver and the keypad reconnect on their own and verify each other again.
    await startTestRelay({ port: first.port })
    await waitForPeer(phone, 'log mac', 15_000)
    expect(await phone.send({ type: 'key', code: 'KeyY', phase: 'tap' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(receiver.lines).toHaveLength(4))
    expect(receiver.lines.slice(2)).toEqual([
      { action: 'down', code: 'KeyY' },
      { action: 'up', code: 'KeyY' },
    ])
  })

  it('bad input: each dropped message gets a log line naming the problem, and it keeps serving', async () => {
    const started = await startTestRelay()
    const link = withLegacyRoomId(createRoom(started.url)) // an outsider can join only a pre-credential room
    const receiver = await spawnReceiver({ link, driver: 'log', name: 'log mac' })
    const phone = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(phone, 'log mac')
    const intruder = await joinAsIntruder(started.url, link.room)
    const wrongKey = createSealer({ ...link, key: new Uint8Array(32).fill(1) })
    const forged: Array<[unknown, string]> = [
      ['not a seal', 'invalid-seal'],
      [{ type: 'key', code: 'KeyQ', phase: 'down' }, 'invalid-seal'],
      [{ v: 1, nonce: 'A'.repeat(32), ciphertext: 'AAAA' }, 'cannot-open'],
      [
        wrongKey.seal({ v: 1, from: 'intruder-1', seq: 1, t: Date.now(), body: { type: 'text', text: 'x' } }),
        'cannot-open',
      ],
    ]
    for (const [payload] of forged) await intruder.broadcast(payload)
    const dropped = () => receiver.logs.filter((l) => String(l.msg).startsWith('dropped a message ('))
    await vi.waitFor(() => expect(dropped()).toHaveLength(forged.length))
    expect(dropped().map((l) => l.reason)).toEqual(forged.map(([, reason]) => reason))
    for (const line of dropped()) expect(String(line.msg)).toContain(`(${line.reason}): `)
    await phone.send({ type: 'text', text: 'still here' })
    await vi.waitFor(() => expect(receiver.lines).toEqual([{ action: 'type', text: 'still here' }]))
    expect(receiver.child.exitCode).toBeNull()
  })

  it('runs through the root script, `pnpm receiver run --link … --driver log --name …`; Ctrl+C releases', async () => {
    const started = await startTestRelay()
    const link = createRoom(started.url)
    const receiver = await spawnReceiver({ link, driver: 'log', name: 'pnpm mac', via: 'pnpm' })
    const phone = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(phone, 'pnpm mac', 15_000)
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
      const configDir = tempDir('keyroom-receiver-')
      const link = formatPairingLink(createRoom('http://127.0.0.1:9'))
      // An undefined value leaves the variable out of the child's environment.
      const unset = await runCli(['run', '--link', link, '--driver', 'nut'], {
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
      const missing = await runCli(['run', '--link', link, '--driver', 'nut'], {
        KEYROOM_CONFIG_DIR: configDir,
        DISPLAY: `:${free}`,
      })
      expect(missing.code).toBe(2)
      expect(logged(missing.stderr)).toEqual([expect.stringContaining(`cannot open X display ":${free}"`)])
    },
  )

  it('says what to do when it is not paired, and refuses a bad link', async () => {
    const configDir = tempDir('keyroom-receiver-')
    const unpaired = await runCli(['run', '--driver', 'log'], { KEYROOM_CONFIG_DIR: configDir })
    expect(unpaired.code).toBe(2)
    expect(unpaired.stderr).toContain('keyroom-receiver pair')
    const bad = await runCli(['run', '--link', 'http://x/#relay=http%3A%2F%2Fx&room=short&key=k'], {
      KEYROOM_CONFIG_DIR: configDir,
    })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('room must be')
    const usage = await runCli(['--driver', 'robot'], { KEYROOM_CONFIG_DIR: configDir })
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('"robot"') })
  })
})
