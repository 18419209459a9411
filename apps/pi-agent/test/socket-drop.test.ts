import { joinDeviceRoom } from '@keyroom/device-kit'
import { startTestRelay } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { agentCapabilities, createAgent } from '../src/agent.js'
import { parsePinMap } from '../src/pin-map.js'
import { createRecordingPins, silentLogger } from './fakes.js'
import { approvedKeypad, nextLink, pairAgent } from './helpers.js'

const map = parsePinMap(
  JSON.stringify({
    outputs: [
      { key: 'KeyL', pin: 17, mode: 'hold' },
      { key: 'KeyT', pin: 5, mode: 'toggle' },
    ],
  }),
)
if (!map.ok) throw new Error(map.error.message)

describe('losing the relay', () => {
  it('rests every output when the socket drops, and when the holding keypad leaves', async () => {
    const relay = await startTestRelay()
    const paired = pairAgent(relay.url, { name: 'door-pi' })
    const pins = createRecordingPins()
    const room = joinDeviceRoom({
      configDir: paired.configDir,
      role: 'pi-agent',
      name: 'door-pi',
      caps: agentCapabilities(map.value),
      logger: silentLogger(),
    })
    if (!room) throw new Error('not paired')
    onTestFinished(() => room.close())
    const agent = createAgent({ room, pins: pins.pins, map: map.value, logger: silentLogger() })
    onTestFinished(() => agent.shutdown('test'))

    // The keypad holding the key leaves the room.
    const first = await approvedKeypad(paired.link, 'door-pi', 'phone-1')
    await first.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(1))
    await first.close()
    await vi.waitFor(() => expect(pins.levels.get(17)).toBe(0))

    // The agent's own connection drops while a key is held and a toggle is on.
    const second = await approvedKeypad(nextLink(paired), 'door-pi', 'phone-2')
    await second.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await second.send({ type: 'key', code: 'KeyT', phase: 'tap' })
    await vi.waitFor(() => expect([pins.levels.get(17), pins.levels.get(5)]).toEqual([1, 1]))
    await relay.close()
    await vi.waitFor(() => expect([pins.levels.get(17), pins.levels.get(5)]).toEqual([0, 0]))
    expect(room.state).not.toBe('connected')
  })
})
