import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createIdentity } from '@keyroom/room-client'
import { joinAsDevice, NODE_FROM_SOURCE, startTestRelay, tempDir, waitForDevice } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { approvedKeypad, pairAgent, spawnAgent, writeJson } from './helpers.js'

const MAP = {
  outputs: [
    { key: 'KeyL', pin: 17, mode: 'hold' },
    { key: 'KeyD', pin: 27, mode: 'pulse', pulseMs: 300 },
  ],
  inputs: [{ pin: 22, key: 'Enter', debounceMs: 0 }],
}

describe('keyroom-pi with the sim driver, through a real relay', () => {
  it('drives pins from keys, sends button presses, reloads on SIGUSR2 and rests everything on SIGTERM', async () => {
    const relay = await startTestRelay()
    const paired = pairAgent(relay.url, { name: 'door-pi' })
    // Input pins send keys to the receivers the agent trusts (here a Mac receiver stand-in that approves it).
    const macIdentity = createIdentity()
    paired.store.trust({ key: macIdentity.publicKey, name: 'mac' })
    const dir = tempDir('keyroom-pi-sim-')
    const pins = writeJson(join(dir, 'pins.json'), MAP)
    const agent = spawnAgent(
      [
        process.execPath,
        ...NODE_FROM_SOURCE,
        'src/main.ts',
        '--',
        '--pins',
        pins,
        '--driver',
        'sim',
        '--name',
        'door-pi',
      ],
      paired.env,
    )
    const changes = (pin: number) =>
      agent.lines.filter((l) => l.pin === pin && l.event !== 'input').map((l) => l.value)
    const keypad = await approvedKeypad(paired.link, 'door-pi')
    const mac = await joinAsDevice(
      { relay: paired.link.relay, room: paired.link.room },
      'mac-receiver',
      'mac',
      {
        identity: macIdentity,
        gate: () => ({ state: 'approved' }),
      },
    )
    await waitForDevice(mac, 'door-pi')

    // It announces itself with the keys it listens to.
    const peer = await waitForDevice(keypad, 'door-pi')
    expect(peer).toMatchObject({
      role: 'pi-agent',
      caps: { inject: true, platform: 'linux', keys: ['KeyL', 'KeyD'] },
    })
    expect(changes(17)).toEqual([0])

    await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() => expect(changes(17)).toEqual([0, 1]))
    await keypad.send({ type: 'key', code: 'KeyL', phase: 'up' })
    await vi.waitFor(() => expect(changes(17)).toEqual([0, 1, 0]))

    // An unmapped key changes nothing; a pulse comes back down by itself.
    await keypad.send({ type: 'key', code: 'KeyQ', phase: 'tap' })
    await keypad.send({ type: 'key', code: 'KeyD', phase: 'tap' })
    await vi.waitFor(() => expect(changes(27)).toEqual([0, 1, 0]))
    expect(agent.lines.filter((l) => l.pin !== 17 && l.pin !== 27 && l.pin !== 22)).toEqual([])

    // The button on BCM 22 is a key for the receiver it trusts, not for the keypad.
    agent.child.stdin.write('{"pin":22,"value":1}\n')
    await vi.waitFor(() =>
      expect(mac.received.map((m) => m.body)).toContainEqual({
        type: 'key',
        code: 'Enter',
        phase: 'down',
      }),
    )
    agent.child.stdin.write('{"pin":22,"value":0}\nnot json\n')
    await vi.waitFor(() =>
      expect(mac.received.map((m) => m.body)).toContainEqual({ type: 'key', code: 'Enter', phase: 'up' }),
    )
    expect(keypad.received.filter((m) => m.body.type === 'key')).toEqual([])
    await vi.waitFor(() => expect(agent.stderr()).toMatch(/stdin lines must be/))

    // SIGUSR2 with a broken map keeps the old one; with a good map switches (KeyL now toggles BCM 5).
    writeFileSync(pins, '{"outputs":[{"key":"KeyL","pin":99,"mode":"hold"}]}')
    agent.child.kill('SIGUSR2')
    await vi.waitFor(() =>
      expect(agent.stderr()).toMatch(/outputs\.0\.pin.*keeping the old one|keeping the old one/),
    )
    writeJson(pins, { outputs: [{ key: 'KeyL', pin: 5, mode: 'toggle' }] })
    agent.child.kill('SIGUSR2')
    await vi.waitFor(() => expect(changes(5)).toEqual([0]))
    await vi.waitFor(async () => {
      const again = await waitForDevice(keypad, 'door-pi')
      expect(again.caps.keys).toEqual(['KeyL'])
    })
    await keypad.send({ type: 'key', code: 'KeyL', phase: 'tap' })
    await vi.waitFor(() => expect(changes(5)).toEqual([0, 1]))
    expect(agent.lines.filter((l) => l.pin === 17).at(-1)).toMatchObject({ event: 'close', value: 0 })

    agent.child.kill('SIGTERM')
    expect(await agent.exited).toEqual({ code: 0, signal: null })
    expect(agent.lines.filter((l) => l.pin === 5).slice(-2)).toEqual([
      { pin: 5, value: 0, event: 'write' },
      { pin: 5, value: 0, event: 'close' },
    ])
  })

  it('refuses to start on a map that drives one pin two ways, naming the field', async () => {
    const dir = tempDir('keyroom-pi-bad-')
    const pins = writeJson(join(dir, 'pins.json'), {
      outputs: [
        { key: 'KeyL', pin: 17, mode: 'hold' },
        { key: 'KeyD', pin: 17, mode: 'toggle' },
      ],
    })
    const agent = spawnAgent(
      [process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', '--pins', pins, '--driver', 'sim'],
      pairAgent('http://127.0.0.1:9').env,
    )
    expect((await agent.exited).code).toBe(2)
    expect(agent.stderr()).toMatch(/pins\.json:\d+: outputs\.1\.pin: BCM 17 is already used by outputs\.0/)
    expect(agent.lines).toEqual([])
  })
})
