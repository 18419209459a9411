import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createRoom, parsePairingLink } from '@keyroom/room-client'
import { describe, expect, it, vi } from 'vitest'
import { joinRoom, notices, relay, runCli, spawnReceiver, tempDir, waitForPeer } from './helpers.js'

// A code this platform has no key for: the receiver must refuse it and carry on.
const UNSUPPORTED = process.platform === 'darwin' ? 'F24' : 'ContextMenu'

describe('keyroom-receiver --driver log', () => {
  it('pairs, then runs with the stored pairing and prints one JSON line per key action', async () => {
    const started = await relay()
    const configDir = await tempDir()
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
      caps: { inject: true, platform: process.platform },
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
    expect(receiver.logs).toContainEqual(
      expect.objectContaining({ key: UNSUPPORTED, code: 'unsupported-key' }),
    )
  })

  it('SIGTERM while a key is held: releases it, then exits 0', async () => {
    const started = await relay()
    const link = createRoom(started.url)
    const receiver = await spawnReceiver({ link, driver: 'log', name: 'log mac' })
    const phone = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(phone, 'log mac')
    await phone.send({ type: 'key', code: 'ShiftLeft', phase: 'down' })
    await vi.waitFor(() => expect(receiver.lines).toEqual([{ action: 'down', code: 'ShiftLeft' }]))
    receiver.child.kill('SIGTERM')
    expect(await receiver.exited).toEqual({ code: 0, signal: null })
    expect(receiver.lines).toEqual([
      { action: 'down', code: 'ShiftLeft' },
      { action: 'up', code: 'ShiftLeft' },
    ])
    expect(receiver.logs).toContainEqual(expect.objectContaining({ reason: 'shutdown', code: 'ShiftLeft' }))
  })

  it('says what to do when it is not paired, and refuses a bad link', async () => {
    const configDir = await tempDir()
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
