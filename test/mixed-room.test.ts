// One keypad, mixed targets in one room: a Mac receiver and a Pi agent at once, each as its own process, through
// the relay as its own process, paired as a user pairs them. What makes keyroom different, shown end to end.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type DeviceLink, formatDeviceLink, parseDeviceLink, trustedPeerOf } from '@keyroom/room-client'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { joinAsDevice, type Spawned, spawnApp, tempDir, waitForDevice } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'

/** The link a `pair` command printed. */
async function printedLink(pair: Spawned): Promise<DeviceLink> {
  expect(await pair.exited, pair.stderr()).toBe(0)
  const line = pair
    .stdout()
    .split('\n')
    .find((l) => l.includes('#v=2'))
  const link = parseDeviceLink(line?.trim() ?? '')
  if (!link.ok) throw new Error(`no link in:\n${pair.stdout()}`)
  return link.value
}

const fail = (why: string): never => {
  throw new Error(why)
}

/** A link with a new pairing window, as `<tool> pair` (no flags) opens one on the device. */
const newWindow = (configDir: string, link: DeviceLink): DeviceLink => ({
  ...link,
  pairingSecret: openDeviceStore(configDir).openWindow(600),
})

/**
 * A keypad in its own process that opened both links (in its environment: they carry pairing secrets), presses L
 * once both targets approved it, renews the hold, and never lets go.
 */
const HOLD_L_FOREVER = `
import { connectDevice, createIdentity, parseDeviceLink, trustedPeerOf } from '@keyroom/room-client'
const [mac, pi] = [process.env.MAC_LINK, process.env.PI_LINK].map((text) => parseDeviceLink(text).value)
const room = connectDevice({ link: mac, trusted: [trustedPeerOf(pi)], identity: createIdentity(), role: 'keypad', name: 'doomed' })
const timer = setInterval(async () => {
  if (room.peers().filter((p) => p.status?.state === 'approved').length < 2) return
  clearInterval(timer)
  await room.send({ type: 'key', code: 'KeyL', phase: 'down' })
  setInterval(() => void room.send({ type: 'renew', codes: ['KeyL'] }), 500)
}, 100)
`

describe('one keypad drives a Mac and a Pi in one room', () => {
  it('the Pi pairs into the Mac’s room; both act on the same key, and both let go when the keypad vanishes mid-hold', async () => {
    const relay = spawnApp('apps/relay/src/main.ts', [], { env: { PORT: '0' } })
    const url = await vi.waitFor(
      () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(relay.stdout())
        if (!match?.[1]) throw new Error(`relay not up: ${relay.stderr()}`)
        return match[1]
      },
      { timeout: 20_000 },
    )
    // The Mac makes the room; the Pi joins it from the Mac's link (a file: never argv) and prints its own link.
    const macDir = tempDir('keyroom-mac-')
    const piDir = tempDir('keyroom-pi-')
    const macLink = await printedLink(
      spawnApp('apps/mac-receiver/src/main.ts', ['pair', '--relay', url, '--name', 'studio-mac'], {
        configDir: macDir,
      }),
    )
    const linkFile = join(tempDir(), 'mac.link')
    writeFileSync(linkFile, formatDeviceLink(macLink), { mode: 0o600 })
    const piLink = await printedLink(
      spawnApp('apps/pi-agent/src/main.ts', ['pair', '--link-file', linkFile, '--name', 'door-pi'], {
        configDir: piDir,
      }),
    )
    expect(piLink.room).toBe(macLink.room)

    const mac = spawnApp('apps/mac-receiver/src/main.ts', ['run', '--driver', 'log'], { configDir: macDir })
    const pi = spawnApp(
      'apps/pi-agent/src/main.ts',
      ['--pins', 'apps/pi-agent/pins.example.json', '--driver', 'sim'],
      { configDir: piDir },
    )
    const macKeys = () =>
      mac
        .jsonLines()
        .filter((l) => l.code === 'KeyL')
        .map((l) => l.action)
    const led = () =>
      pi
        .jsonLines()
        .filter((l) => l.pin === 17)
        .map((l) => l.value)

    // The phone opened both links inside their windows: both approve it.
    const keypad = await joinAsDevice(macLink, 'keypad', 'phone', {
      trusted: [trustedPeerOf(piLink) ?? fail('no peer in the Pi link')],
    })
    await waitForDevice(keypad, 'studio-mac', 'approved', 20_000)
    await waitForDevice(keypad, 'door-pi', 'approved', 20_000)
    expect(
      keypad
        .peers()
        .map((p) => `${p.role}:${p.name}`)
        .sort(),
    ).toEqual(['mac-receiver:studio-mac', 'pi-agent:door-pi'])

    // A tap: the Mac presses and releases L; the Pi's LED (BCM 17, held while L is) goes up and down.
    expect(await keypad.send({ type: 'key', code: 'KeyL', phase: 'tap' })).toEqual({ ok: true })
    await vi.waitFor(() => {
      expect(macKeys()).toEqual(['down', 'up'])
      expect(led()).toEqual([0, 1, 0])
    })

    // A keypad that closes mid-hold says bye: both let go at once.
    expect(await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(led()).toEqual([0, 1, 0, 1]))
    await keypad.close()
    await vi.waitFor(() => {
      expect(macKeys()).toEqual(['down', 'up', 'down', 'up'])
      expect(led()).toEqual([0, 1, 0, 1, 0])
    })

    // A keypad process killed mid-hold says nothing: the relay's leave notice (or else the lease) releases both.
    const doomed = spawnApp('--input-type=module', ['-e', HOLD_L_FOREVER], {
      env: {
        MAC_LINK: formatDeviceLink(newWindow(macDir, macLink)),
        PI_LINK: formatDeviceLink(newWindow(piDir, piLink)),
      },
    })
    await vi.waitFor(
      () => {
        expect(macKeys()).toEqual(['down', 'up', 'down', 'up', 'down'])
        expect(led()).toEqual([0, 1, 0, 1, 0, 1])
      },
      { timeout: 20_000 },
    )
    doomed.child.kill('SIGKILL')
    await vi.waitFor(
      () => {
        expect(macKeys()).toEqual(['down', 'up', 'down', 'up', 'down', 'up'])
        expect(led()).toEqual([0, 1, 0, 1, 0, 1, 0])
      },
      { timeout: 10_000 },
    )
  }, 90_000)
})
