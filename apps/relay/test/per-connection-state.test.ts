import { describe, expect, it, vi } from 'vitest'
import { callAnything, client, relay } from './helpers.js'

/** A socket.io-client as if from `forwardedFor`, told by a proxy the relay trusts. */
const viaProxy = (url: string, forwardedFor: string, transports: ('polling' | 'websocket')[]) =>
  client(url, { forwardedFor, transports })

describe('per connection the relay keeps the client address, not the handshake request', () => {
  it.each([['websocket'], ['polling']] as const)(
    'over %s: the request is let go, logs and the per-IP cap still use the address',
    async (transport) => {
      const { url, logs, relay: running } = await relay({ maxConnectionsPerIp: 1, trustProxyHops: 1 })
      const first = await viaProxy(url, '198.51.100.7', [transport])
      const [server] = running.io.sockets.sockets.values()
      expect(server?.conn.request).toBeNull()
      expect(server?.handshake.headers['x-forwarded-for']).toBe('198.51.100.7')

      const ack = await callAnything(first, 'no-such-call')
      expect(ack).toMatchObject({ ok: false, error: { code: 'unknown-event' } })
      expect(logs.find((line) => String(line.msg).startsWith('refused'))).toMatchObject({
        ip: '198.51.100.7',
      })

      // The slot is the address's: a second connection from it is refused until the first one closes.
      await expect(viaProxy(url, '198.51.100.7', [transport])).rejects.toThrow()
      first.disconnect()
      await vi.waitFor(() => expect(running.io.engine.clientsCount).toBe(0), { timeout: 5_000 })
      expect((await viaProxy(url, '198.51.100.7', [transport])).connected).toBe(true)
    },
  )

  it('gives every TCP socket slot back when its socket closes', async () => {
    const { url, relay: running } = await relay({ maxSocketsPerIp: 2 })
    // More connections one after another than the IP has socket slots: each close frees its slot.
    for (let i = 0; i < 5; i++) {
      const socket = await client(url)
      socket.disconnect()
      await vi.waitFor(() => expect(running.io.engine.clientsCount).toBe(0), { timeout: 5_000 })
    }
    const [a, b] = [await client(url), await client(url)]
    expect(a.connected && b.connected).toBe(true)
  })
})
