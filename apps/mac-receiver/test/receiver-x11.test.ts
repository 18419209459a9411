import { type KeyAction, LEASE_RENEW_INTERVAL_MS } from '@keyroom/key-events'
import {
  type DeviceMember,
  joinAsRoomMember,
  type PairedDevice,
  perSuite,
  type RoomFrame,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { REPEAT_STALL_MS } from '../src/key-repeat.js'
import {
  approvedKeypad,
  newWindowLink,
  noticesOf,
  pairedReceiver,
  type ReceiverProcess,
  spawnKeypad,
  spawnReceiver,
} from './helpers.js'
import { startXSession, type XSession } from './x-session.js'

// Real key presses: `keyroom-receiver --driver nut` in its own process on a private X server, typing into an xterm
// in raw mode whose every byte lands in a file. One X server, relay and receiver for the whole file; each test
// compares exactly what arrived since it started.
const cleanup = perSuite()

let x: XSession
let paired: PairedDevice
let relayUrl: string
let relayPort: number
let closeRelay: () => Promise<void>
let receiver: ReceiverProcess
let phone: DeviceMember

beforeAll(async () => {
  x = await startXSession({ cleanup })
  const started = await startTestRelay({}, cleanup)
  relayUrl = started.url
  relayPort = started.port
  closeRelay = started.close
  ;({ paired, receiver } = await pairedReceiver(
    started.url,
    { driver: 'nut', name: 'x mac', env: x.env },
    cleanup,
  ))
  phone = await approvedKeypad(paired.link, 'x mac', 'phone', cleanup)
}, 30_000)

/** Sends the actions, then waits until exactly `expected` arrived in the terminal. */
async function expectTyped(actions: KeyAction[], expected: string) {
  const from = (await x.read()).length
  for (const action of actions) expect(await phone.send(action)).toEqual({ ok: true })
  await x.waitFor(expected, { from })
}

const tap = (code: Extract<KeyAction, { type: 'key' }>['code']): KeyAction => ({
  type: 'key',
  code,
  phase: 'tap',
})
const down = (code: Extract<KeyAction, { type: 'key' }>['code']): KeyAction => ({
  type: 'key',
  code,
  phase: 'down',
})
const up = (code: Extract<KeyAction, { type: 'key' }>['code']): KeyAction => ({
  type: 'key',
  code,
  phase: 'up',
})
const released = (reason: string) =>
  vi.waitFor(
    () => expect(receiver.logs).toContainEqual(expect.objectContaining({ code: 'ShiftLeft', reason })),
    {
      timeout: 5_000,
    },
  )

describe('real key presses in an X server', () => {
  it('announces that it can inject, and the keys it cannot press here', () => {
    expect(phone.peers()).toEqual([
      expect.objectContaining({
        role: 'mac-receiver',
        name: 'x mac',
        caps: {
          inject: true,
          pointer: true,
          platform: 'linux',
          receipts: true,
          cannot: expect.arrayContaining(['Pause', 'F13', 'ContextMenu']),
        },
      }),
    ])
  })

  it('types text exactly', async () => {
    await expectTyped([{ type: 'text', text: 'Hello, World: 42! <a|b>\n' }], 'Hello, World: 42! <a|b>\r')
  })

  it('types text beyond ASCII by remapping a spare keycode', async () => {
    // The terminal writes UTF-8; the session reads bytes as Latin-1.
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1')
    await expectTyped([{ type: 'text', text: 'café ß über ça ± € 😀\n' }], utf8('café ß über ça ± € 😀\r'))
  })

  it('presses single keys', async () => {
    await expectTyped(
      [tap('KeyQ'), tap('Digit7'), tap('Tab'), tap('Escape'), tap('ArrowUp'), tap('Enter')],
      'q7\t\x1b\x1b[A\r',
    )
  })

  it('holds keys down until they are released', async () => {
    await expectTyped([down('ShiftLeft'), tap('KeyA'), tap('KeyB'), up('ShiftLeft'), tap('KeyC')], 'ABc')
  })

  it('plays chords: modifiers down, key, modifiers up', async () => {
    await expectTyped(
      [
        { type: 'chord', modifiers: ['ControlLeft'], code: 'KeyC' },
        { type: 'chord', modifiers: ['ShiftLeft'], code: 'Digit1' },
        tap('KeyD'),
      ],
      '\x03!d',
    )
  })

  it('refuses a key Linux has no key for, tells the keypad, and keeps typing', async () => {
    const before = noticesOf(phone).length
    await expectTyped([tap('ContextMenu'), { type: 'text', text: 'still ok' }], 'still ok')
    expect(noticesOf(phone).slice(before)).toEqual([
      expect.objectContaining({ code: 'unsupported-key', message: expect.stringContaining('ContextMenu') }),
    ])
    await vi.waitFor(() =>
      expect(receiver.logs).toContainEqual(
        expect.objectContaining({ key: 'ContextMenu', code: 'unsupported-key' }),
      ),
    )
  })

  it('types nothing for forged or replayed frames from a member of the room', async () => {
    // It has the link, so the relay lets it in and it sees every frame; it has no approved identity.
    const member = await joinAsRoomMember(relayUrl, paired.link.room, cleanup)
    const receiverId = (await waitForDevice(phone, 'x mac')).id
    const fromPhone = () =>
      member.captured.filter((f: RoomFrame) => f.k === 'msg' && f.from === phone.id && f.to === receiverId)
    await expectTyped([tap('KeyE')], 'e')
    await vi.waitFor(() => expect(fromPhone().length).toBeGreaterThan(0))
    const press = fromPhone().at(-1) as RoomFrame
    const before = receiver.logs.length
    // Garbage, a frame from an older keyroom, and the phone's own press sent again.
    for (const payload of ['garbage', { v: 1, nonce: 'A'.repeat(32), ciphertext: 'AAAA' }, press])
      await member.broadcast(payload)
    // Each is dropped with a log line that names why; then the receiver carries on.
    const dropped = () =>
      receiver.logs
        .slice(before)
        .filter((l) => String(l.msg).startsWith('dropped a message'))
        .map((l) => l.reason)
    await vi.waitFor(() => expect(dropped()).toHaveLength(3))
    expect(dropped()).toEqual(['invalid-frame', 'unsupported-version', 'replayed'])
    await expectTyped([tap('KeyF')], 'f')
  })

  describe('repeat', () => {
    it('the X server repeats a held key; when renewals stop (release lost) it stops within the stall bound', async () => {
      const from = (await x.read()).length
      // When the terminal grew, polled every 5 ms: the time of the last character is when repeating stopped.
      let last = from
      let lastGrowth = 0
      const poll = setInterval(async () => {
        const length = (await x.read()).length
        if (length > last) {
          last = length
          lastGrowth = performance.now()
        }
      }, 5)
      cleanup(() => clearInterval(poll))
      expect(await phone.send(down('KeyA'))).toEqual({ ok: true })
      let lastRenewal = performance.now()
      for (let i = 0; i < 3; i++) {
        await vi.waitFor(
          () => expect(performance.now() - lastRenewal).toBeGreaterThanOrEqual(LEASE_RENEW_INTERVAL_MS),
          {
            timeout: 2_000,
            interval: 10,
          },
        )
        expect(await phone.send({ type: 'renew', codes: ['KeyA'] })).toEqual({ ok: true })
        lastRenewal = performance.now()
      }
      // The phone lets go now, and its `up` is lost: no more renewals, no release.
      await vi.waitFor(
        () =>
          expect(receiver.logs).toContainEqual(
            expect.objectContaining({ code: 'KeyA', reason: 'lease-expired' }),
          ),
        { timeout: 5_000 },
      )
      clearInterval(poll)
      const typed = (await x.read()).slice(from)
      // It did repeat while renewals came (1.5 s held at the server's 660 ms delay and 25/s: about 20 characters)…
      expect(typed).toMatch(/^a{10,}$/)
      expect(receiver.logs).toContainEqual(
        expect.objectContaining({ code: 'KeyA', msg: expect.stringContaining('renewals stopped') }),
      )
      // …and stopped no later than REPEAT_STALL_MS after the last renewal was sent (plus one repeat interval of slack).
      const storm = lastGrowth - lastRenewal
      console.info(
        `repeat storm after the last renewal: ${storm.toFixed(0)} ms (bound ${REPEAT_STALL_MS} ms)`,
      )
      expect(storm).toBeLessThanOrEqual(REPEAT_STALL_MS + 100)
      // The late `up` changes nothing, and the next key is a single one.
      await expectTyped([up('KeyA'), tap('KeyB')], 'b')
    })
  })

  describe('no stuck Shift', () => {
    it('a keypad that dies mid-hold: Shift is released, the next letters arrive lower-case', async () => {
      const doomed = spawnKeypad(newWindowLink(paired), 'x mac', [down('ShiftLeft'), tap('KeyG')], cleanup)
      const from = (await x.read()).length
      await doomed.sent()
      await x.waitFor('G', { from })
      doomed.child.kill('SIGKILL')
      await released('peer-left')
      await expectTyped([{ type: 'text', text: 'abc' }], 'abc')
    })

    it('a hold whose renewals stop is released when the lease runs out', async () => {
      await expectTyped([down('ShiftLeft'), tap('KeyH')], 'H')
      await released('lease-expired')
      await expectTyped([tap('KeyI'), { type: 'text', text: 'jk' }], 'ijk')
    })

    it('release-all lets go of Shift', async () => {
      await expectTyped([down('ShiftLeft'), tap('KeyL'), { type: 'release-all' }, tap('KeyM')], 'Lm')
    })

    it('SIGTERM while Shift is held: released before exit, so the next receiver types lower-case', async () => {
      await expectTyped([down('ShiftLeft'), tap('KeyN')], 'N')
      receiver.child.kill('SIGTERM')
      expect(await receiver.exited).toEqual({ code: 0, signal: null })
      expect(receiver.logs).toContainEqual(expect.objectContaining({ code: 'ShiftLeft', reason: 'shutdown' }))
      receiver = await spawnReceiver(
        { configDir: paired.configDir, driver: 'nut', name: 'x mac 2', env: x.env },
        cleanup,
      )
      await waitForDevice(phone, 'x mac 2', 'approved')
      await expectTyped([{ type: 'text', text: 'opq' }], 'opq')
    })

    it('its own connection drops mid-hold: Shift is released; when the relay is back it types again', async () => {
      await expectTyped([down('ShiftLeft'), tap('KeyR')], 'R')
      await closeRelay()
      await released('socket-drop')
      await vi.waitFor(() => expect(phone.peers()).toEqual([]))
      await startTestRelay({ port: relayPort }, cleanup)
      await waitForDevice(phone, 'x mac 2', 'approved', 15_000)
      await expectTyped([{ type: 'text', text: 'st' }], 'st')
    })
  })
})
