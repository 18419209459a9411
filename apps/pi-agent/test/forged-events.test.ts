// What per-device trust guarantees on the agent, through a real relay: only approved devices drive pins, and no
// member can speak for another (each keypad has its own pairwise session with the agent).
import { joinDeviceRoom } from '@keyroom/device-kit'
import type { DeviceMember, RoomFrame } from '@keyroom/test-kit'
import { joinAsDevice, joinAsRoomMember, startTestRelay, waitForDevice } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { agentCapabilities, createAgent } from '../src/agent.js'
import { parsePinMap } from '../src/pin-map.js'
import { createRecordingPins, silentLogger } from './fakes.js'
import { approvedKeypad, nextLink, pairAgent } from './helpers.js'

const parsed = parsePinMap(JSON.stringify({ outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] }))
if (!parsed.ok) throw new Error(parsed.error.message)
const map = parsed.value

/** The agent in this process on a paired state dir, with recording pins. */
async function setup() {
  const relay = await startTestRelay()
  const paired = pairAgent(relay.url, { name: 'door-pi' })
  const room = joinDeviceRoom({
    configDir: paired.configDir,
    role: 'pi-agent',
    name: 'door-pi',
    caps: agentCapabilities(map),
    logger: silentLogger(),
    watchMs: 50,
  })
  if (!room) throw new Error('not paired')
  onTestFinished(() => room.close())
  const rejected: { reason: string; from?: string }[] = []
  room.on('reject', (r) => rejected.push(r))
  const pins = createRecordingPins()
  const agent = createAgent({ room, pins: pins.pins, map: map, logger: silentLogger() })
  onTestFinished(() => agent.shutdown('test'))
  const writes = () => pins.log.filter((e) => e.event === 'write')
  return { relay, paired, room, rejected, pins, writes }
}

const notices = (device: DeviceMember) =>
  device.received.flatMap((m) => (m.body.type === 'notice' ? [m.body] : []))

describe('forged and unapproved events through a real relay', () => {
  it('a pending device and a revoked device are refused with notices and drive no pin', async () => {
    const { paired, writes, pins } = await setup()
    // Opened the link without its pairing secret (or after the window): pending, with a code to compare.
    const { pairingSecret: _, ...withoutSecret } = paired.link
    const stranger = await joinAsDevice(withoutSecret, 'keypad', 'stranger')
    const pending = await waitForDevice(stranger, 'door-pi', 'pending')
    expect(pending.status?.code).toMatch(/^\d{6}$/)
    await stranger.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() =>
      expect(notices(stranger)).toContainEqual(
        expect.objectContaining({
          code: 'not-approved',
          message: expect.stringMatching(/not approved on door-pi/),
        }),
      ),
    )

    const phone = await approvedKeypad(paired.link, 'door-pi')
    await phone.send({ type: 'key', code: 'KeyL', phase: 'tap' })
    await vi.waitFor(() => expect(writes().map((w) => w.value)).toEqual([1, 0]))
    // `devices revoke` in another process changes the store; the agent looks at it again.
    expect(paired.store.revoke('phone').ok).toBe(true)
    await waitForDevice(phone, 'door-pi', 'revoked')
    await phone.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() =>
      expect(notices(phone)).toContainEqual(
        expect.objectContaining({ code: 'revoked', message: expect.stringMatching(/revoked on door-pi/) }),
      ),
    )
    expect(writes().map((w) => w.value)).toEqual([1, 0])
    expect(pins.levels.get(17)).toBe(0)
  })

  it("one member cannot forge another's messages: a captured frame under another session, or replayed, is rejected", async () => {
    const { relay, paired, room, rejected, pins, writes } = await setup()
    const alice = await approvedKeypad(paired.link, 'door-pi', 'alice')
    const bob = await approvedKeypad(nextLink(paired), 'door-pi', 'bob')

    // A member of the room at the relay (it has the link): it sees every frame, and can send any.
    const { captured, broadcast } = await joinAsRoomMember(relay.url, paired.link.room)
    const fromAlice = () => captured.filter((f) => f.k === 'msg' && f.from === alice.id && f.to === room.id)

    // Alice presses and releases; the member keeps her frames.
    const before = fromAlice().length
    await alice.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(1))
    await vi.waitFor(() => expect(fromAlice().length).toBeGreaterThan(before))
    const press = fromAlice()[before] as RoomFrame
    await alice.send({ type: 'key', code: 'KeyL', phase: 'up' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(0))
    await vi.waitFor(() => expect(fromAlice().length).toBeGreaterThan(before + 1))
    const release = fromAlice()[before + 1] as RoomFrame
    const count = writes().length

    // 1. Alice's press, replayed as it was.
    let seen = rejected.length
    await broadcast(press)
    await vi.waitFor(() => expect(rejected.length).toBe(seen + 1))
    expect(rejected.at(-1)).toMatchObject({ reason: 'replayed', from: alice.id })

    // 2. Alice's press under Bob's session id: it does not open under Bob's session key.
    seen = rejected.length
    await broadcast({ ...press, from: bob.id })
    await vi.waitFor(() => expect(rejected.length).toBe(seen + 1))
    expect(rejected.at(-1)).toMatchObject({ reason: 'cannot-open', from: bob.id })
    expect(writes().length).toBe(count)

    // 3. Bob holds the key; Alice's captured release sent as Bob's does not let it go.
    await bob.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(1))
    seen = rejected.length
    await broadcast({ ...release, from: bob.id })
    await vi.waitFor(() => expect(rejected.length).toBe(seen + 1))
    expect(rejected.at(-1)?.reason).toBe('cannot-open')
    expect(pins.levels.get(17)).toBe(1)
    await bob.send({ type: 'key', code: 'KeyL', phase: 'up' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(0))
    expect(pins.touched()).toEqual(new Set([17]))
  })
})
