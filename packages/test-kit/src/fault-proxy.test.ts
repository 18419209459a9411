import { connect, createServer, type Server, type Socket } from 'node:net'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { startFaultProxy } from './fault-proxy.js'

/** A TCP server on 127.0.0.1 that echoes what it gets and keeps its sockets for the test. */
async function echoServer() {
  const sockets: Socket[] = []
  const received: Buffer[] = []
  const server: Server = createServer((socket) => {
    sockets.push(socket)
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      socket.write(chunk)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { port, sockets, received: () => Buffer.concat(received).toString() }
}

async function proxyTo(port: number) {
  const proxy = await startFaultProxy({ port })
  onTestFinished(() => proxy.close())
  return proxy
}

function client(port: number) {
  const socket = connect({ host: '127.0.0.1', port })
  const events: string[] = []
  let data = ''
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString()
  })
  socket.on('error', (error: NodeJS.ErrnoException) => events.push(`error ${error.code}`))
  socket.on('end', () => events.push('end'))
  socket.on('close', () => events.push('close'))
  onTestFinished(() => {
    socket.destroy()
  })
  return { socket, events, data: () => data }
}

describe('fault proxy', () => {
  it('passes bytes both ways unchanged and in order', async () => {
    const server = await echoServer()
    const proxy = await proxyTo(server.port)
    const c = client(proxy.port)
    const sent = Array.from({ length: 200 }, (_, i) => `${i},`).join('')
    for (let i = 0; i < sent.length; i += 7) c.socket.write(sent.slice(i, i + 7))
    await vi.waitFor(() => expect(c.data()).toBe(sent))
    expect(proxy.connections).toBe(1)
  })

  it('delays every chunk by the set time, keeping the order', async () => {
    const server = await echoServer()
    const proxy = await proxyTo(server.port)
    const c = client(proxy.port)
    await new Promise((resolve) => c.socket.once('connect', resolve))
    proxy.setDelay(150)
    const started = Date.now()
    c.socket.write('a')
    c.socket.write('b')
    await vi.waitFor(() => expect(c.data()).toBe('ab'))
    // Through the proxy twice (up and back down), each way held 150 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  it('a stalled downstream backs up into the target, as a member that stops reading; resume delivers it all', async () => {
    const server = await echoServer()
    const proxy = await proxyTo(server.port)
    const c = client(proxy.port)
    await vi.waitFor(() => expect(server.sockets).toHaveLength(1))
    proxy.stall('down')
    const big = 'x'.repeat(16 * 1024 * 1024)
    server.sockets[0]?.write(big)
    // The target's own buffer keeps what the kernel would not take: the proxy is not reading.
    await vi.waitFor(() => expect(server.sockets[0]?.writableLength).toBeGreaterThan(4 * 1024 * 1024))
    expect(c.data().length).toBeLessThan(big.length)
    proxy.resume('down')
    await vi.waitFor(() => expect(c.data().length).toBe(big.length), { timeout: 10_000 })
  })

  it('cut resets both sides: the client sees ECONNRESET, not an orderly end', async () => {
    const server = await echoServer()
    const proxy = await proxyTo(server.port)
    const c = client(proxy.port)
    await vi.waitFor(() => expect(server.sockets).toHaveLength(1))
    const serverClosed = new Promise((resolve) => server.sockets[0]?.once('close', resolve))
    proxy.cut()
    await vi.waitFor(() => expect(c.events).toContain('close'))
    expect(c.events).toContain('error ECONNRESET')
    expect(c.events).not.toContain('end')
    await serverClosed
    await vi.waitFor(() => expect(proxy.connections).toBe(0))
  })

  it('a partition holds new connections and data until heal, then delivers the backlog', async () => {
    const server = await echoServer()
    const proxy = await proxyTo(server.port)
    const before = client(proxy.port)
    before.socket.write('1')
    await vi.waitFor(() => expect(before.data()).toBe('1'))
    proxy.partition()
    before.socket.write('2')
    const during = client(proxy.port)
    during.socket.write('3')
    await vi.waitFor(() => expect(proxy.connections).toBe(2))
    // The proxy accepted the new client but has not dialled the target: nothing of it got through.
    expect(server.sockets).toHaveLength(1)
    proxy.heal()
    await vi.waitFor(() => expect(before.data()).toBe('12'))
    await vi.waitFor(() => expect(during.data()).toBe('3'))
    expect(server.sockets).toHaveLength(2)
  })
})
