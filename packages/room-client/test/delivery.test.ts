// Issue 18: every receiver gets every key, and the sender knows.
import { fileURLToPath } from 'node:url'
import {
  KEYROOM_EVENT,
  MAX_PEERS,
  PROTOCOL_VERSION,
  RelayEvent,
  roomCredential,
  toBase64url,
} from '@keyroom/key-events'
import { joinRoom, keyActions, runFromSource, startTestRelay, waitForPeer } from '@keyroom/test-kit'
import { io } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { NEW_SENDER_BURST } from '../src/acceptance.js'
import { connectRoom, REJECT_REPORTS_PER_SECOND } from '../src/connect-room.js'
import { createRoom, formatPairingLink } from '../src/pairing-link.js'
import { createSealer } from '../src/seal.js'
import type { RoomConnection } from '../src/types.js'

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const run = (...args: string[]) => runFromSource(cli, args, { timeout: 20_000 })

describe('delivery you can count on (issue 18)', () => {
  it('a keypad hears a receipt from each of two receivers for every action', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    const mac = await joinRoom(link, 'mac-receiver', 'mac')
    const pi = await joinRoom(link, 'pi-agent', 'pi')
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(keypad, 'mac')
    await waitForPeer(keypad, 'pi')
    const settled: { seq: number; delivered: string[] }[] = []
    keypad.on('delivery', (d) => settled.push(d))
    for (let i = 0; i < 5; i++) {
      const result = await keypad.deliver({ type: 'text', text: `t${i}` }, 3_000)
      expect(result.sent).toEqual({ ok: true })
      expect(result.delivered.sort()).toEqual([mac.id, pi.id].sort())
      expect(result.missing).toEqual([])
    }
    expect(keyActions(mac.received)).toHaveLength(5)
    expect(keyActions(pi.received)).toHaveLength(5)
    expect(settled).toHaveLength(5)
    // Keypads do not acknowledge: a phone in the room costs no receipts.
    expect(keypad.peers().find((p) => p.name === 'mac')?.caps.receipts).toBe(true)
    expect(mac.peers().find((p) => p.name === 'phone')?.caps.receipts).toBeUndefined()
  })

  it('a receiver that joins mid-handshake keeps what the sender sent before it answered, instead of dropping it', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    const keypad = await joinRoom(link, 'keypad', 'phone')
    // The keypad sends the moment the relay says someone joined: before it has even seen that member's challenge.
    let sent = false
    keypad.on('members', (count) => {
      if (count < 2 || sent) return
      sent = true
      void keypad.send({ type: 'text', text: 'early' })
    })
    const receiver = await joinRoom(link, 'mac-receiver', 'late mac')
    await vi.waitFor(() => expect(keyActions(receiver.received)).toEqual([{ type: 'text', text: 'early' }]))
    expect(receiver.rejected).toEqual([])
  })

  it('a receiver that drops an action tells the sender why', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    let skewMs = 0
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone', { now: () => Date.now() - skewMs })
    await waitForPeer(keypad, 'mac')
    await waitForPeer(receiver, 'phone')
    expect((await keypad.deliver({ type: 'key', code: 'KeyA', phase: 'tap' })).delivered).toEqual([
      receiver.id,
    ])
    skewMs = 5_000 // from now on its presses look 5 s late
    const late = await keypad.deliver({ type: 'key', code: 'KeyB', phase: 'tap' })
    expect(late.lost).toEqual([{ peer: receiver.id, reason: 'stale' }])
    expect(late.delivered).toEqual([])
  })

  it('answers each challenge once: a dozen keypads joining at once cost a linear number of hellos', async () => {
    const { relay: server, url } = await startTestRelay()
    const link = createRoom(url)
    const mac = await joinRoom(link, 'mac-receiver', 'mac')
    const pi = await joinRoom(link, 'pi-agent', 'pi')
    await waitForPeer(mac, 'pi')
    const before = server.metrics.counters.eventsIn
    const started = Date.now()
    const keypads = Array.from({ length: 12 }, (_, i) =>
      connectRoom({ link, role: 'keypad', name: `pad ${i}` }),
    )
    onTestFinished(() => Promise.all(keypads.map((k) => k.close())).then(() => undefined))
    const seesBoth = (k: RoomConnection) => ['mac', 'pi'].every((n) => k.peers().some((p) => p.name === n))
    await vi.waitFor(() => expect(keypads.filter(seesBoth)).toHaveLength(12), { timeout: 10_000 })
    const tookMs = Date.now() - started
    await vi.waitFor(() => expect(mac.peers()).toHaveLength(13), { timeout: 5_000 })
    // Every member answers each other member's challenge once: m join hellos + m(m-1) answers, joins included.
    const m = 14
    const hellos = server.metrics.counters.eventsIn - before
    console.log(
      `12 keypads joining at once: every one saw both receivers within ${tookMs} ms; ${hellos} relay events`,
    )
    expect(hellos).toBeLessThanOrEqual(12 /* joins */ + m + m * (m - 1))
    // The receivers were not rate-limited out of their own room, and still take keys.
    const first = keypads[0] as RoomConnection
    const result = await first.deliver({ type: 'text', text: 'after the crowd' }, 3_000)
    expect(result.delivered.sort()).toEqual([mac.id, pi.id].sort())
  })

  it('a member inventing sender ids is refused past a small burst and grows no state; the room stays served', async () => {
    const { url } = await startTestRelay()
    const link = createRoom(url)
    const receiver = await joinRoom(link, 'mac-receiver', 'mac')
    const keypad = await joinRoom(link, 'keypad', 'phone')
    await waitForPeer(receiver, 'phone')
    // An insider: it has the room key, and a fresh sender id for every message it sends.
    const sealer = createSealer(link)
    const insider = io(url, { transports: ['websocket'] })
    onTestFinished(() => {
      insider.disconnect()
    })
    await new Promise((resolve) => insider.once('connect', () => resolve(undefined)))
    // It has the key, so it can prove membership of the credentialed room.
    const proof = roomCredential(link.key).prove(insider.id ?? '')
    await new Promise((resolve) => insider.emit(RelayEvent.joinRoom, { roomName: link.room, proof }, resolve))
    const flood = 150
    for (let i = 0; i < flood; i++) {
      const from = toBase64url(new Uint8Array(16).map((_, j) => (i * 7 + j) % 256))
      const payload = sealer.seal({
        v: PROTOCOL_VERSION,
        from,
        seq: 1,
        t: Date.now(),
        body: {
          type: 'hello',
          role: 'keypad',
          name: `ghost ${i}`,
          caps: { inject: false },
          challenge: from.slice(0, 22),
        },
      })
      await new Promise((resolve) =>
        insider.emit(
          RelayEvent.broadcast,
          { roomName: link.room, eventName: KEYROOM_EVENT, payload },
          resolve,
        ),
      )
    }
    // Reports are bounded (REJECT_REPORTS_PER_SECOND); each carries the count held back before it.
    await vi.waitFor(() =>
      expect(
        receiver.rejected
          .filter((r) => r.reason === 'rate-limited')
          .reduce((sum, r) => sum + 1 + (r.suppressed ?? 0), 0),
      ).toBeGreaterThanOrEqual(Math.min(REJECT_REPORTS_PER_SECOND, flood - NEW_SENDER_BURST - 2)),
    )
    // None of the ghosts answered the receiver's challenge, so none is listed; the list is capped besides.
    expect(receiver.peers().map((p) => p.name)).toEqual(['phone'])
    expect(receiver.peers().length).toBeLessThanOrEqual(MAX_PEERS)
    const result = await keypad.deliver({ type: 'key', code: 'KeyK', phase: 'tap' }, 3_000)
    expect(result.delivered).toEqual([receiver.id])
  })

  it('keyroom send waits for every receiver, prints who got it, and fails naming one that did not', async () => {
    const { url } = await startTestRelay()
    const room = createRoom(url)
    const link = formatPairingLink(room)
    const mac = await joinRoom(room, 'mac-receiver', 'mac')
    const pi = await joinRoom(room, 'pi-agent', 'pi')
    for (let i = 0; i < 3; i++) {
      const result = await run('send', '--link', link, '--text', `hello ${i}`)
      expect(result.code).toBe(0)
      expect(result.stdout).toContain('delivered to mac (mac-receiver)')
      expect(result.stdout).toContain('delivered to pi (pi-agent)')
    }
    expect(keyActions(mac.received)).toHaveLength(3)
    expect(keyActions(pi.received)).toHaveLength(3)

    // A device that says it acknowledges and never does: send waits out --timeout and says who it was.
    await joinRoom(room, 'mac-receiver', 'silent mac', {
      receipts: false,
      caps: { inject: true, receipts: true },
    })
    const result = await run('send', '--link', link, '--text', 'x', '--timeout', '4000')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('no receipt from silent mac (mac-receiver)')
    expect(result.stderr).toContain('silent mac (mac-receiver) did not acknowledge it')
  })

  it('keyroom send to a room whose only other member is keyroom listen works', async () => {
    const { url } = await startTestRelay()
    const room = createRoom(url)
    const link = formatPairingLink(room)
    const listener = await joinRoom(room, 'keypad', 'keyroom-listen', { receipts: true })
    const result = await run('send', '--link', link, '--key', 'KeyQ')
    expect(result.stdout).toContain('delivered to keyroom-listen (keypad)')
    expect(result.code).toBe(0)
    expect(keyActions(listener.received)).toEqual([{ type: 'key', code: 'KeyQ', phase: 'tap' }])
  })
})
