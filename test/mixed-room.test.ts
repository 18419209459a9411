// One keypad, mixed targets in one room: a Mac receiver and a Pi agent at once, each as its own process, through
// the relay as its own process. What makes keyroom different, shown end to end.
import { createRoom, formatPairingLink, type RoomConnection } from '@keyroom/room-client'
import { joinRoom, spawnApp } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'

/** A keyroom app from source, as its own process, with a config folder of its own. */
const product = (args: string[], env: Record<string, string> = {}) =>
  spawnApp(args[0]!, args.slice(1), { env })

const keypadIn = (link: ReturnType<typeof createRoom>): Promise<RoomConnection> =>
  joinRoom(link, 'keypad', 'phone')

/** A keypad that presses L once both targets are in the room, renews the hold, and never lets go. */
const HOLD_L_FOREVER = `
import { connectRoom, parsePairingLink } from '@keyroom/room-client'
const link = parsePairingLink(process.argv.at(-1))
const room = connectRoom({ link: link.value, role: 'keypad', name: 'doomed' })
const timer = setInterval(async () => {
  if (room.peers().length < 2) return
  clearInterval(timer)
  await room.send({ type: 'key', code: 'KeyL', phase: 'down' })
  setInterval(() => void room.send({ type: 'renew', codes: ['KeyL'] }), 500)
}, 100)
`

describe('one keypad drives a Mac and a Pi in one room', () => {
  it('both act on the same key, and both let go when the keypad vanishes mid-hold', async () => {
    const relay = product(['apps/relay/src/main.ts'], { PORT: '0' })
    const url = await vi.waitFor(
      () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(relay.stdout())
        if (!match?.[1]) throw new Error(`relay not up: ${relay.stderr()}`)
        return match[1]
      },
      { timeout: 20_000 },
    )
    const room = createRoom(url)
    const link = formatPairingLink(room)
    const mac = product([
      'apps/mac-receiver/src/main.ts',
      'run',
      '--link',
      link,
      '--driver',
      'log',
      '--name',
      'studio-mac',
    ])
    const pi = product([
      'apps/pi-agent/src/main.ts',
      '--link',
      link,
      '--pins',
      'apps/pi-agent/pins.example.json',
      '--driver',
      'sim',
      '--name',
      'door-pi',
    ])
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

    const keypad = await keypadIn(room)
    await vi.waitFor(
      () =>
        expect(
          keypad
            .peers()
            .map((p) => `${p.role}:${p.name}`)
            .sort(),
        ).toEqual(['mac-receiver:studio-mac', 'pi-agent:door-pi']),
      { timeout: 20_000 },
    )

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
    const doomed = product(['--input-type=module', '-e', HOLD_L_FOREVER, link])
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
