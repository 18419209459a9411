// A device's name comes from the device itself and reaches the receiver's terminal, its audit log and every keypad:
// one that could rewrite a terminal or forge a log line is refused at the handshake, and the room carries on.
import { joinAsDevice, joinAsReceiver, pairDeviceDir, startTestRelay, waitForDevice } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { parseDeviceLink } from '../src/device-link.js'

describe('device names from other devices', () => {
  it('a name with a terminal escape or a newline is refused as an invalid handshake; nothing is stored; others are served', async () => {
    const relay = await startTestRelay()
    const paired = pairDeviceDir(relay.url, { name: 'desk' })
    const receiver = await joinAsReceiver(paired, 'mac-receiver', 'desk')
    const reasons: string[] = []
    receiver.on('reject', (r) => reasons.push(`${r.reason}: ${r.message}`))

    const { pairingSecret: _secret, ...withoutSecret } = paired.link
    const evil = await joinAsDevice(withoutSecret, 'keypad', 'phone\u001b[2J\n{"msg":"approved"}')
    await vi.waitFor(() => expect(reasons.some((r) => r.startsWith('invalid-handshake'))).toBe(true))
    expect(reasons.find((r) => r.startsWith('invalid-handshake'))).toContain('name')
    // The receiver has no session with it (the sender's own half-open view of the receiver gets it nowhere).
    expect(receiver.peers()).toEqual([])
    expect(evil.state).toBe('connected')
    expect(paired.store.devices()).toEqual([])

    // The owner's phone, with the window's secret, is approved as ever.
    const phone = await joinAsDevice(paired.link, 'keypad', 'phone')
    await waitForDevice(phone, 'desk', 'approved')
    expect(paired.store.devices().map((d) => d.name)).toEqual(['phone'])
  })

  it('a link whose name has control characters is refused with the reason', () => {
    const parsed = parseDeviceLink(
      'http://127.0.0.1:7300/#v=2&relay=http%3A%2F%2F127.0.0.1%3A7300&room=AAAAAAAAAAAAAAAAAAAAAA&name=mac%1B%5B2J',
    )
    expect(parsed).toMatchObject({
      ok: false,
      error: { code: 'invalid-link', message: expect.stringContaining('U+001B') },
    })
  })
})
