import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { NODE_FROM_SOURCE, startTestRelay, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { approvedKeypad, pairAgent, spawnAgent, writeJson } from './helpers.js'
import { fakeGadgetSystem, fakeHidDevice } from './hid-fakes.js'

// Expected bytes from the HID spec (see hid-agent.test.ts): a = 04, b = 05, Shift = bit 1, left button = bit 0.
const ZERO_KEYS = '0000000000000000'

function hidDevices(dir: string) {
  return {
    keyboard: fakeHidDevice(dir, 'hidg0', 8),
    mouse: fakeHidDevice(dir, 'hidg1', 5),
    consumer: fakeHidDevice(dir, 'hidg2', 2),
  }
}

/**
 * A real relay, a paired state dir, FIFOs for the gadget; `start` runs `keyroom-pi --driver hid` on them and returns
 * it with a keypad it approved (the keypad opened its link inside the pairing window).
 */
async function setup() {
  const relay = await startTestRelay()
  const paired = pairAgent(relay.url, { name: 'kvm-pi' })
  const dir = tempDir('keyroom-pi-hid-')
  const devices = hidDevices(dir)
  const start = async (extra: string[] = []) => {
    const agent = spawnAgent(
      [
        process.execPath,
        ...NODE_FROM_SOURCE,
        'src/main.ts',
        '--driver',
        'hid',
        ...extra,
        '--hid-device',
        devices.keyboard.path,
        '--hid-mouse-device',
        devices.mouse.path,
        '--hid-consumer-device',
        devices.consumer.path,
        '--name',
        'kvm-pi',
      ],
      paired.env,
    )
    return { agent, keypad: await approvedKeypad(paired.link, 'kvm-pi') }
  }
  return { relay, dir, devices, start }
}

describe('keyroom-pi --driver hid, as a process through a real relay, with FIFOs for /dev/hidg0-2', () => {
  it('announces hid, types keys, text and pointer, and sends all-zero reports when its socket drops', async () => {
    const { relay, devices, start } = await setup()
    const { keyboard, mouse, consumer } = devices
    const { agent, keypad } = await start()
    const peer = keypad.peers().find((p) => p.name === 'kvm-pi')
    expect(peer?.caps).toMatchObject({
      inject: true,
      platform: 'linux',
      pointer: true,
      hid: { layout: 'us' },
    })
    expect(peer?.caps.keys).toBeUndefined()

    await keypad.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    await keypad.send({ type: 'text', text: 'B' })
    const typed = ['0000040000000000', ZERO_KEYS, '0200050000000000', ZERO_KEYS]
    await vi.waitFor(() => expect(keyboard.all()).toEqual(typed))
    await keypad.send({ type: 'move', dx: 20, dy: 10 })
    await keypad.send({ type: 'button', button: 'left', phase: 'click' })
    const pointed = ['00140a0000', '0100000000', '0000000000']
    await vi.waitFor(() => expect(mouse.all()).toEqual(pointed))
    await keypad.send({ type: 'key', code: 'MediaPlayPause', phase: 'tap' })
    await vi.waitFor(() => expect(consumer.all()).toEqual(['cd00', '0000']))

    // Shift and the left button held, then the agent loses the relay: everything goes up.
    await keypad.send({ type: 'key', code: 'ShiftLeft', phase: 'down' })
    await keypad.send({ type: 'button', button: 'left', phase: 'down' })
    await vi.waitFor(() => expect(keyboard.all()).toEqual([...typed, '0200000000000000']))
    await vi.waitFor(() => expect(mouse.all()).toEqual([...pointed, '0100000000']))
    await relay.close()
    await vi.waitFor(() => expect(keyboard.all()).toEqual([...typed, '0200000000000000', ZERO_KEYS]))
    await vi.waitFor(() => expect(mouse.all()).toEqual([...pointed, '0100000000', '0000000000']))
    expect(consumer.all()).toEqual(['cd00', '0000', '0000'])

    agent.child.kill('SIGTERM')
    expect(await agent.exited).toEqual({ code: 0, signal: null })
  })

  it('releases held keys on SIGTERM, beside GPIO pins from a pin map', async () => {
    const { dir, devices, start } = await setup()
    const { keyboard, mouse, consumer } = devices
    const pins = writeJson(join(dir, 'pins.json'), { outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] })
    const { agent, keypad } = await start(['--pins', pins])
    await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })
    // The key is typed and the pin (sim driver here: no GPIO on this machine) follows it.
    await vi.waitFor(() => expect(keyboard.all()).toEqual(['00000f0000000000']))
    await vi.waitFor(() => expect(agent.lines).toContainEqual({ pin: 17, value: 1, event: 'write' }))
    agent.child.kill('SIGTERM')
    expect(await agent.exited).toEqual({ code: 0, signal: null })
    expect(keyboard.all()).toEqual(['00000f0000000000', ZERO_KEYS])
    expect(mouse.all()).toEqual(['0000000000'])
    expect(consumer.all()).toEqual(['0000'])
    expect(agent.lines).toContainEqual({ pin: 17, value: 0, event: 'write' })
  })

  it('hid setup and teardown as commands, and a missing controller explained with exit code 2', async () => {
    const system = fakeGadgetSystem(tempDir('keyroom-pi-gadget-'))
    const run = async (...args: string[]) => {
      const child = spawnAgent([process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', 'hid', ...args])
      const { code } = await child.exited
      return { code, out: child.lines.map((l) => l.text).join('\n'), err: child.stderr() }
    }
    const flags = ['--configfs-root', system.configfsRoot, '--udc-dir', system.udcDir]
    const setup = await run('setup', ...flags)
    expect(setup.code).toBe(0)
    expect(setup.out).toMatch(/^set up .*usb_gadget\/keyroom bound to fe980000\.usb/)
    expect(
      existsSync(join(system.configfsRoot, 'usb_gadget/keyroom/functions/hid.keyboard/report_desc')),
    ).toBe(true)
    expect(await run('teardown', ...flags)).toMatchObject({ code: 0, out: 'removed the keyroom USB gadget' })
    expect(existsSync(join(system.configfsRoot, 'usb_gadget/keyroom'))).toBe(false)

    const none = await run(
      'setup',
      '--configfs-root',
      system.configfsRoot,
      '--udc-dir',
      join(system.udcDir, 'x'),
    )
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/no USB device controller .* dtoverlay=dwc2/)
  }, 90_000)
})
