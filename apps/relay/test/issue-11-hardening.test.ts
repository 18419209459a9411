import { RelayEvent } from '@keyroom/key-events'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { call, callAnything, client, expectOk, expectRelayServes, member, relay } from './helpers.js'
import { pollingPath, pollingSession, rawTcp, rawWebSocket } from './raw.js'

/** Every name an object answers without owning it, and the names Socket.IO and the relay keep for themselves. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype)
const RESERVED_NAMES = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
  'room-info',
  'disconnect-reason',
]

/** Waits long enough for a loaded CI machine; every wait ends as soon as its condition holds. */
const patient = { timeout: 10_000, interval: 50 }

const errorLines = (logs: { level: number }[]) => logs.filter((line) => line.level >= 50)

/** A socket.io-client as if from `ip`, told by a proxy the relay trusts (X-Forwarded-For). */
function viaProxy(url: string, forwardedFor: string): Socket {
  const socket = io(url, {
    transports: ['polling'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': forwardedFor },
  })
  onTestFinished(() => {
    socket.disconnect()
  })
  return socket
}
const connects = (socket: Socket) =>
  new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true))
    socket.once('connect_error', () => resolve(false))
  })

describe('issue 11.1: an event named after an Object.prototype member or a reserved name', () => {
  it('is an unknown call over WebSocket: answered, not crashed, no stack traces, others served', async () => {
    const { url, logs } = await relay()
    const socket = await client(url)
    for (const name of PROTOTYPE_NAMES) {
      expect(await callAnything(socket, name, 'x'), name).toEqual({
        ok: false,
        error: { code: 'unknown-event', message: `the relay has no ${JSON.stringify(name)} call` },
      })
    }
    // socket.io-client refuses to emit its reserved names; what it lets through is answered the same way.
    for (const name of ['error', 'room-info', 'disconnect-reason']) {
      expect(await callAnything(socket, name)).toMatchObject({ ok: false, error: { code: 'unknown-event' } })
    }
    expect(errorLines(logs)).toEqual([])
    expect(socket.connected).toBe(true)
    await expectRelayServes(url)
  })

  it('over raw long-polling frames, with and without ack ids: each answered or only that session dropped', async () => {
    const { url, logs, relay: running } = await relay()
    const session = await pollingSession(url)
    expect(await session.send('40')).toBe(200)
    expect((await session.poll()).frames[0]).toMatch(/^40\{"sid":/)
    const frames = [...PROTOTYPE_NAMES, 'error', 'room-info'].flatMap((name, i) => [
      `42${JSON.stringify([name, 1])}`,
      `42${i}${JSON.stringify([name, { toString: 1 }])}`,
    ])
    expect(await session.send(...frames)).toBe(200)
    const acks: string[] = []
    await vi.waitFor(async () => {
      acks.push(...(await session.poll()).frames.filter((f) => f.startsWith('43')))
      expect(acks).toHaveLength(PROTOTYPE_NAMES.length + 2)
    }, patient)
    for (const ack of acks) expect(ack).toMatch(/^43\d+\[\{"ok":false,"error":\{"code":"unknown-event"/)

    // Socket.IO's own reserved names cannot be sent as events at all: the parser drops that session only.
    for (const name of RESERVED_NAMES.slice(0, 7).filter((n) => n !== 'error')) {
      const other = await pollingSession(url)
      await other.send('40')
      await other.poll()
      await other.send(`42${JSON.stringify([name, 'x'])}`)
      await vi.waitFor(async () => expect((await other.poll()).status).not.toBe(200), patient)
    }
    expect(errorLines(logs)).toEqual([])
    await expectRelayServes(url)
    // The first session is still open, beside the healthy pair; the dropped ones are gone.
    await vi.waitFor(() => expect(running.io.engine.clientsCount).toBe(3), patient)
  })
})

describe('issue 11.3: a failed WebSocket upgrade gives its per-IP slot back at once', () => {
  it('70 upgrades with a bad Sec-WebSocket-Key (400) leave that IP free to connect', async () => {
    const { url, relay: running } = await relay({ maxConnectionsPerIp: 4 })
    const upgrade = [
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1`,
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: not-a-key',
      '',
      '',
    ].join('\r\n')
    const attempts = Array.from({ length: 70 }, () => rawTcp(url, upgrade))
    await vi.waitFor(() => {
      for (const attempt of attempts) expect(attempt.response()).toMatch(/^HTTP\/1\.1 400/)
    }, patient)
    await vi.waitFor(() => expect(attempts.every((a) => a.closed())).toBe(true), patient)
    // Every slot is back: the full four connections open from this IP.
    for (let i = 0; i < 4; i++) expect((await client(url)).connected).toBe(true)
    await expect(client(url)).rejects.toThrow()
    expect(running.metrics.refusals().get('too-many-connections')).toBe(1)
  })

  it('a polling handshake refused after the checks (an unsupported protocol) gives its slot back too', async () => {
    const { url } = await relay({ maxConnectionsPerIp: 4 })
    // One kept-alive TCP socket for all of them, so no socket close can be what frees the slots.
    for (let i = 0; i < 70; i++) {
      const response = await fetch(`${url}/socket.io/?EIO=3&transport=polling`)
      expect(response.status).toBe(400)
      await response.arrayBuffer()
    }
    for (let i = 0; i < 4; i++) expect((await client(url)).connected).toBe(true)
    await expect(client(url)).rejects.toThrow()
  })
})

describe('issue 11.4: behind a proxy the relay trusts hops from the right, never what the client wrote', () => {
  it('a client cannot pick its IP: the per-IP cap holds and a victim is not locked out', async () => {
    const { url, logs } = await relay({ maxConnectionsPerIp: 1, trustProxyHops: 1 })
    // The attacker's real address is what the proxy appended (the rightmost entry); the rest is its own writing.
    const attacker = viaProxy(url, '198.51.100.7, 203.0.113.66')
    expect(await connects(attacker)).toBe(true)
    expect(await connects(viaProxy(url, '192.0.2.1, 203.0.113.66'))).toBe(false) // rotating the left: still capped
    expect(logs.some((l) => String(l.msg).includes('203.0.113.66 already has 1 connections'))).toBe(true)
    // The victim the attacker named on the left connects from its own address.
    expect(await connects(viaProxy(url, '198.51.100.7'))).toBe(true)
  })

  it('with two proxies, takes the address the outer proxy saw', async () => {
    const { url } = await relay({ maxConnectionsPerIp: 1, trustProxyHops: 2 })
    expect(await connects(viaProxy(url, 'forged, 198.51.100.8, 10.0.0.2'))).toBe(true)
    expect(await connects(viaProxy(url, 'other, 198.51.100.8, 10.0.0.2'))).toBe(false)
    expect(await connects(viaProxy(url, '198.51.100.9, 10.0.0.2'))).toBe(true)
  })
})

describe('issue 11.5: what one client can make the relay log is bounded', () => {
  it('200 refused handshakes with a 15 KB Origin: a few short lines, every refusal counted', async () => {
    const { url, logs, relay: running } = await relay()
    const origin = `https://${'a'.repeat(15_000)}.evil.example`
    const started = performance.now()
    const statuses: number[] = []
    for (let round = 0; round < 4; round++) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, async () => {
            const response = await fetch(`${url}${pollingPath()}`, { headers: { origin } })
            await response.arrayBuffer()
            return response.status
          }),
        )),
      )
    }
    expect(statuses.every((status) => status === 403)).toBe(true)
    const seconds = (performance.now() - started) / 1000
    expect(logs.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1) // one a second per IP
    for (const line of logs) expect(JSON.stringify(line).length).toBeLessThan(600) // the Origin cut to 100 chars
    expect(running.metrics.refusals().get('origin-not-allowed')).toBe(200)
    await expectRelayServes(url)
  })

  it('a flood of prototype-named calls logs no stack trace and one line a second, with the count held back', async () => {
    const { url, logs } = await relay({ eventsPerSecond: 100_000, eventBurst: 100_000 })
    const socket = await client(url)
    const started = performance.now()
    for (let round = 0; round < 20; round++) {
      await Promise.all(PROTOTYPE_NAMES.map((name) => callAnything(socket, name, 'x')))
    }
    const seconds = (performance.now() - started) / 1000
    expect(errorLines(logs)).toEqual([])
    expect(logs.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1)
    await vi.waitFor(async () => {
      await callAnything(socket, 'toString')
      expect(logs.some((l) => typeof l.suppressed === 'number' && l.suppressed > 0)).toBe(true)
    }, patient)
    await expectRelayServes(url)
  })
})

describe('issue 11.6: slow and half-open clients', () => {
  it('caps sockets per address at accept and drops headers that do not arrive in time; others still served', async () => {
    const { url, relay: running } = await relay({ maxSocketsPerIp: 20, headersTimeoutMs: 500 })
    const slow = Array.from({ length: 60 }, () =>
      rawTcp(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', '127.0.0.3'),
    )
    // Forty over the cap are refused at once; the twenty it let in lose their socket at the header timeout.
    await vi.waitFor(() => expect(running.metrics.refusals().get('too-many-sockets')).toBe(40), patient)
    await expectRelayServes(url) // another address is served all the while
    await vi.waitFor(() => expect(slow.every((s) => s.closed())).toBe(true), patient)
    const healthy = rawTcp(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.3')
    await vi.waitFor(() => expect(healthy.response()).toMatch(/^HTTP\/1\.1 200/), patient)
  })
})

describe('issue 11.7: the Origin of every request is checked, not only the handshake', () => {
  it('a polling request of a session with a foreign Origin is refused, and the session goes on', async () => {
    const { url } = await relay()
    const session = await pollingSession(url)
    expect(await session.send('40')).toBe(200)
    const evil = await fetch(`${url}${pollingPath(session.sid)}`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: `42${JSON.stringify([RelayEvent.joinRoom, 'hijacked'])}`,
    })
    expect(evil.status).toBe(403)
    expect(await evil.json()).toEqual({ code: 4, message: 'Origin "https://evil.example" is not allowed' })
    const get = await fetch(`${url}${pollingPath(session.sid)}`, {
      headers: { origin: 'https://evil.example' },
    })
    expect(get.status).toBe(403)
    expect((await session.poll()).frames[0]).toMatch(/^40/) // the session itself is untouched
    await expectRelayServes(url)
  })

  it('an upgrade of a session with a foreign Origin is refused', async () => {
    const { url } = await relay()
    const session = await pollingSession(url)
    const upgrade = rawTcp(
      url,
      [
        `GET /socket.io/?EIO=4&transport=websocket&sid=${session.sid} HTTP/1.1`,
        'Host: 127.0.0.1',
        'Origin: https://evil.example',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        '',
        '',
      ].join('\r\n'),
    )
    await vi.waitFor(() => expect(upgrade.response()).toMatch(/^HTTP\/1\.1 403/), patient)
    expect(upgrade.response()).toContain('is not allowed')
    await expectRelayServes(url)
  })
})

describe('issue 11.8: a foreign page cannot fill a user’s slots', () => {
  it('refuses Origin-less requests a browser marks cross-site; devices and same-origin pages still connect', async () => {
    const { url, relay: running } = await relay({ maxConnectionsPerIp: 3 })
    const img = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${url}${pollingPath()}`, { headers: img })
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual({
        code: 4,
        message: 'a cross-site browser request without an allowed Origin',
      })
    }
    for (const site of ['same-site', 'cross-site, cross-site', 'whatever']) {
      expect((await fetch(`${url}${pollingPath()}`, { headers: { 'sec-fetch-site': site } })).status).toBe(
        403,
      )
    }
    expect(running.metrics.refusals().get('origin-not-allowed')).toBe(23)
    const sameOrigin = await fetch(`${url}${pollingPath()}`, { headers: { 'sec-fetch-site': 'same-origin' } })
    expect(sameOrigin.status).toBe(200)
    await expectRelayServes(url) // a device: no Origin, no Sec-Fetch headers (two of the three slots)
  })
})

describe('issue 11.10: a client that stays over its rate is disconnected, with the reason', () => {
  /** A relay on a clock the test moves, so "over its rate for 1.5 s" needs no real waiting. */
  async function relayOnClock() {
    const clock = { ms: 0 }
    const started = await relay({
      eventsPerSecond: 20,
      eventBurst: 10,
      floodDisconnectMs: 1_500,
      now: () => clock.ms,
    })
    return { ...started, clock }
  }
  const burst = (socket: Socket, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        call(socket, RelayEvent.broadcast, { roomName: 'flood', eventName: 'msg', payload: i }),
      ),
    )

  it('is told "flooding", disconnected and counted; others are served', async () => {
    const { url, clock, relay: running } = await relayOnClock()
    const flooder = await member(url, 'flood')
    const reasons: unknown[] = []
    flooder.socket.on(RelayEvent.disconnectReason, (reason: unknown) => reasons.push(reason))
    const disconnected = new Promise<string>((resolve) => flooder.socket.once('disconnect', resolve))
    // Twice its rate, every half second: refused in each batch, never a second's pause.
    for (let half = 0; half < 3; half++) {
      const acks = await burst(flooder.socket, 20)
      expect(acks.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toContain('rate-limited')
      clock.ms += 500
    }
    expect(flooder.socket.connected).toBe(true) // 1.0 s over its rate so far
    const last = flooder.socket.emitWithAck(RelayEvent.broadcast, {
      roomName: 'flood',
      eventName: 'msg',
      payload: 0,
    })
    await burst(flooder.socket, 20).catch(() => undefined)
    expect(await disconnected).toBe('io server disconnect')
    expect(await last).toEqual({ ok: true }) // a token had refilled: it went out before the flood was cut
    expect(reasons).toEqual([
      { code: 'flooding', message: 'over 20 events per second for 1.5 s: disconnected' },
    ])
    expect(await (await fetch(`${url}/metrics`)).text()).toContain(
      'keyroom_relay_flood_disconnects_total 1\n',
    )
    expect(running.metrics.counters.floodDisconnects).toBe(1)
    await expectRelayServes(url)
  })

  it('bursts over the rate with pauses of over a second between them keep the connection', async () => {
    const { url, clock, relay: running } = await relayOnClock()
    const bursty = await member(url, 'flood')
    for (let round = 0; round < 6; round++) {
      const acks = await burst(bursty.socket, 30)
      expect(acks.some((a) => !a.ok && a.error.code === 'rate-limited')).toBe(true)
      clock.ms += 1_100
    }
    expect(bursty.socket.connected).toBe(true)
    expect(running.metrics.counters.floodDisconnects).toBe(0)
    expectOk(
      await call(bursty.socket, RelayEvent.broadcast, { roomName: 'flood', eventName: 'msg', payload: 2 }),
    )
  })
})

describe('issue 11.2 companion: a bare WebSocket sending garbage is dropped alone', () => {
  it('closes that connection and serves the rest', async () => {
    const { url } = await relay()
    const raw = await rawWebSocket(url)
    raw.send('40')
    raw.send('42["join-room"')
    await vi.waitFor(() => expect(raw.closed()).toBe(true), patient)
    await expectRelayServes(url)
  })
})
