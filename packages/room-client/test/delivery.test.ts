import { FRAME_VERSION, SESSION_ID_BYTES, toBase64url } from '@keyroom/key-events'
import {
  type DeviceMember,
  joinAsDevice,
  joinAsReceiver,
  joinAsRoomMember,
  keyActions,
  pairDeviceDir,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { randomBytes } from '@noble/ciphers/utils.js'
import { describe, expect, it, vi } from 'vitest'
import { trustedPeerOf } from '../src/device-link.js'
import { createIdentity } from '../src/identity.js'
import { cliComputer } from './cli-computer.js'

/** A Mac and a Pi receiver in one room, as the Pi pairs into the Mac's room, and their links. */
async function macAndPi(url: string) {
  const macDir = pairDeviceDir(url, { name: 'mac' })
  const piDir = pairDeviceDir(url, { name: 'pi', room: macDir.link.room })
  const mac = await joinAsReceiver(macDir, 'mac-receiver', 'mac')
  const pi = await joinAsReceiver(piDir, 'pi-agent', 'pi')
  // A keypad that opened both links: it trusts both receivers.
  const keypadOf = (name: string) =>
    joinAsDevice(macDir.link, 'keypad', name, { trusted: [trustedPeerOf(piDir.link)].filter((t) => !!t) })
  /** The first keypad, inside both pairing windows: approved by both once it returns. */
  const approvedKeypad = async () => {
    const keypad = await keypadOf('phone')
    await waitForDevice(keypad, 'mac', 'approved')
    await waitForDevice(keypad, 'pi', 'approved')
    return keypad
  }
  return { macDir, piDir, mac, pi, keypadOf, approvedKeypad }
}

describe('delivery you can count on (issue 18)', () => {
  it('a keypad hears a receipt from each of two receivers for every action; keypads acknowledge nothing', async () => {
    const { url } = await startTestRelay()
    const { mac, pi, approvedKeypad } = await macAndPi(url)
    const keypad = await approvedKeypad()
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

  it('a dozen keypads joining at once cost a bounded number of frames per pair of devices; the receivers still take keys', async () => {
    const { relay: server, url } = await startTestRelay()
    const { mac, pi, keypadOf, approvedKeypad } = await macAndPi(url)
    const phone = await approvedKeypad()
    const before = server.metrics.counters.eventsIn
    const started = Date.now()
    // The links' pairing secrets are spent: these keypads wait as pending, which costs the same handshakes.
    const keypads = await Promise.all(Array.from({ length: 12 }, (_, i) => keypadOf(`pad ${i}`)))
    const seesBoth = (k: DeviceMember) =>
      ['mac', 'pi'].every((n) => k.peers().some((p) => p.name === n && p.status?.state === 'pending'))
    await vi.waitFor(() => expect(keypads.filter(seesBoth)).toHaveLength(12), { timeout: 10_000 })
    const tookMs = Date.now() - started
    await vi.waitFor(() => expect(mac.peers()).toHaveLength(14), { timeout: 5_000 })
    await vi.waitFor(() => expect(keypads.every((k) => k.peers().length === 14)).toBe(true))
    // Each pair of devices runs one handshake (two when both start at once: hs2 and hs3 each) with a hello from
    // each side per handshake, and at most a pairing proof and a verdict each way: 12 frames a pair, whatever the
    // crowd. Every joiner adds its join and its hs1.
    const m = 15
    const pairs = (m * (m - 1)) / 2 - (3 * 2) / 2 // the pairs among mac, pi and phone were there before
    const frames = server.metrics.counters.eventsIn - before
    console.log(
      `12 keypads joining at once: every one saw both receivers within ${tookMs} ms; ${frames} relay events for ${pairs} new pairs`,
    )
    expect(frames).toBeLessThanOrEqual(12 * 2 + 12 * pairs)
    // The receivers were not rate-limited out of their own room, and still take keys.
    const result = await phone.deliver({ type: 'text', text: 'after the crowd' }, 3_000)
    expect(result.delivered.sort()).toEqual([mac.id, pi.id].sort())
  })

  it('a member opening handshakes under a hundred invented session ids gets no device listed; the room stays served', async () => {
    const { url } = await startTestRelay()
    const { macDir, mac, keypadOf } = await macAndPi(url)
    const keypad = await keypadOf('phone')
    await waitForDevice(keypad, 'mac', 'approved')
    // An insider: it has the link, so the relay lets it in, and opens a handshake under a fresh session id each time.
    const insider = await joinAsRoomMember(url, macDir.link.room)
    const flood = 150
    for (let i = 0; i < flood; i++) {
      await insider.broadcast({
        v: FRAME_VERSION,
        k: 'hs1',
        from: toBase64url(randomBytes(SESSION_ID_BYTES)),
        e: toBase64url(randomBytes(32)),
      })
    }
    // The receivers answer the ones the relay let through; none of them finishes, so none is listed.
    await vi.waitFor(() =>
      expect(insider.captured.filter((f) => f.k === 'hs2' && f.from === mac.id).length).toBeGreaterThan(0),
    )
    expect(
      mac
        .peers()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['phone', 'pi'])
    const result = await keypad.deliver({ type: 'key', code: 'KeyK', phase: 'tap' }, 3_000)
    expect(result.delivered).toContain(mac.id)
  })

  it('keyroom send waits for every receiver, prints who got it, and fails naming one that did not', async () => {
    const { url } = await startTestRelay()
    const { macDir, piDir, mac, pi } = await macAndPi(url)
    const cli = cliComputer()
    for (const link of [macDir.link, piDir.link]) expect((await cli.pair(link)).code).toBe(0)
    for (let i = 0; i < 3; i++) {
      const result = await cli.run('send', '--text', `hello ${i}`)
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain('delivered to mac (mac-receiver)')
      expect(result.stdout).toContain('delivered to pi (pi-agent)')
    }
    expect(keyActions(mac.received)).toHaveLength(3)
    expect(keyActions(pi.received)).toHaveLength(3)

    // A trusted device that says it acknowledges and never does: send waits out --timeout and says who it was.
    const silent = createIdentity()
    cli.store().trust({ key: silent.publicKey, name: 'silent mac' })
    await joinAsDevice({ relay: url, room: macDir.link.room }, 'mac-receiver', 'silent mac', {
      identity: silent,
      caps: { inject: true, receipts: true },
    })
    const result = await cli.run('send', '--text', 'x', '--timeout', '4000')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('no receipt from silent mac (mac-receiver)')
    expect(result.stderr).toContain('silent mac (mac-receiver) did not acknowledge it')
  }, 60_000)

  it('keyroom send with one of its receivers away delivers to the others and names the one away', async () => {
    const { url } = await startTestRelay()
    const { macDir, piDir, mac, pi } = await macAndPi(url)
    const cli = cliComputer()
    for (const link of [macDir.link, piDir.link]) expect((await cli.pair(link)).code).toBe(0)
    await pi.close()
    await vi.waitFor(() => expect(mac.peers().map((p) => p.name)).not.toContain('pi'))
    const result = await cli.run('send', '--key', 'KeyQ')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe('delivered to mac (mac-receiver)\n')
    expect(result.stderr).toContain('not in the room: pi')
    expect(keyActions(mac.received)).toEqual([{ type: 'key', code: 'KeyQ', phase: 'tap' }])
  })
})

describe('where keys go: all receivers, one kind, or one device (issue 15)', () => {
  it('a key sent to the Pi pins reaches only the Pi, counts only the Pi, and a missing target is refused in words', async () => {
    const { url } = await startTestRelay()
    const { mac, pi, approvedKeypad } = await macAndPi(url)
    const keypad = await approvedKeypad()

    const toPins = await keypad.deliver({ type: 'key', code: 'F13', phase: 'tap' }, 3_000, 'kind:pins')
    expect(toPins.sent).toEqual({ ok: true })
    // Only the chosen receiver is expected: the Mac is neither sent the key nor reported missing.
    expect(toPins.delivered).toEqual([pi.id])
    expect(toPins.missing).toEqual([])

    const macFingerprint = keypad.peers().find((p) => p.name === 'mac')?.fingerprint
    const toMac = await keypad.deliver({ type: 'text', text: 'mac only' }, 3_000, `device:${macFingerprint}`)
    expect(toMac.delivered).toEqual([mac.id])

    const everywhere = await keypad.deliver({ type: 'release-all' }, 3_000)
    expect(everywhere.delivered.sort()).toEqual([mac.id, pi.id].sort())
    expect(keyActions(pi.received)).toEqual([
      { type: 'key', code: 'F13', phase: 'tap' },
      { type: 'release-all' },
    ])
    expect(keyActions(mac.received)).toEqual([{ type: 'text', text: 'mac only' }, { type: 'release-all' }])

    // A device that is not here, and a kind nobody in the room is: refused, nothing sent, no receipt awaited.
    const gone = await keypad.send({ type: 'key', code: 'KeyA', phase: 'tap' }, 'device:7XQ4-M2KD-9FHR-0WCE')
    expect(gone).toEqual({
      ok: false,
      error: {
        code: 'no-receiver',
        message: 'the chosen receiver 7XQ4-M2KD-9FHR-0WCE is not in the room (yet)',
      },
    })
    const noHid = await keypad.send({ type: 'text', text: 'x' }, 'kind:usb-keyboard')
    expect(noHid).toEqual({
      ok: false,
      error: { code: 'no-receiver', message: 'no USB keyboard (Pi) of this device is in the room (yet)' },
    })
    expect(keyActions(mac.received)).toHaveLength(2)
    expect(keyActions(pi.received)).toHaveLength(2)
  })

  it('keyroom send --to pins holds a key on the Pi only, its renewals and release there too; --to a name the Mac only', async () => {
    const { url } = await startTestRelay()
    const { macDir, piDir, mac, pi } = await macAndPi(url)
    const cli = cliComputer()
    for (const link of [macDir.link, piDir.link]) expect((await cli.pair(link)).code).toBe(0)
    const held = await cli.run('send', '--key', 'F13', '--hold', '1200', '--to', 'pins')
    expect(held.code, held.stderr).toBe(0)
    expect(held.stdout).toBe('delivered to pi (pi-agent)\ndelivered to pi (pi-agent)\n')
    const toPi = keyActions(pi.received)
    expect(toPi[0]).toEqual({ type: 'key', code: 'F13', phase: 'down' })
    expect(toPi.filter((a) => a.type === 'renew').length).toBeGreaterThan(0)
    expect(toPi.at(-1)).toEqual({ type: 'key', code: 'F13', phase: 'up' })

    const named = await cli.run('send', '--text', 'hi', '--to', 'MAC')
    expect(named.stdout).toBe('delivered to mac (mac-receiver)\n')
    expect(keyActions(mac.received)).toEqual([{ type: 'text', text: 'hi' }])

    const nobody = await cli.run('send', '--text', 'x', '--to', 'usb-keyboard')
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toContain('no USB keyboard (Pi) of this device is in the room (yet)')
  }, 60_000)
})
