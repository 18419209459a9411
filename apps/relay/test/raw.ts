import { connect, type Socket as TcpSocket } from 'node:net'
import { onTestFinished } from 'vitest'
import WebSocket from 'ws'

/** Engine.IO's polling path, as a browser or a script would ask for it. */
export const pollingPath = (sid?: string) =>
  `/socket.io/?EIO=4&transport=polling${sid ? `&sid=${encodeURIComponent(sid)}` : ''}`

/**
 * An Engine.IO long-polling session driven by hand: raw frames, no client library. `send` POSTs one payload
 * (frames joined by the record separator, as the protocol says) and `poll` GETs what the relay has queued.
 */
export async function pollingSession(url: string, headers: Record<string, string> = {}) {
  const open = await fetch(`${url}${pollingPath()}`, { headers })
  const text = await open.text()
  if (open.status !== 200 || !text.startsWith('0'))
    throw new Error(`handshake failed: ${open.status} ${text}`)
  const { sid } = JSON.parse(text.slice(1)) as { sid: string }
  const session = {
    sid,
    async send(...frames: string[]): Promise<number> {
      const response = await fetch(`${url}${pollingPath(sid)}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
        body: frames.join('\x1e'),
      })
      await response.text()
      return response.status
    },
    async poll(): Promise<{ status: number; frames: string[] }> {
      const response = await fetch(`${url}${pollingPath(sid)}`, { headers })
      const body = await response.text()
      return { status: response.status, frames: response.status === 200 ? body.split('\x1e') : [] }
    },
  }
  return session
}

/** A bare WebSocket speaking Engine.IO v4 by hand; resolves once the relay's open packet has arrived. */
export async function rawWebSocket(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers })
  onTestFinished(() => ws.terminate())
  const received: string[] = []
  let closed = false
  ws.on('error', () => undefined)
  // Resolves on the relay's open packet (the first frame), or fails when the socket closes before it.
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? '<binary>' : data.toString()
      received.push(frame)
      if (frame.startsWith('0')) resolve()
    })
    ws.on('close', () => {
      closed = true
      reject(new Error('closed before opening'))
    })
  })
  return {
    ws,
    received,
    closed: () => closed,
    send: (frame: string | Buffer) => ws.send(frame),
  }
}

/** A TCP socket from `localAddress` (any 127.x.y.z is this machine) that writes `data` and stays open. */
export function rawTcp(url: string, data: string, localAddress = '127.0.0.1') {
  const { hostname, port } = new URL(url)
  const socket: TcpSocket = connect({ host: hostname, port: Number(port), localAddress })
  onTestFinished(() => {
    socket.destroy()
  })
  let response = ''
  let closed = false
  socket.on('data', (chunk) => {
    response += chunk.toString()
  })
  socket.on('error', () => undefined)
  socket.on('close', () => {
    closed = true
  })
  socket.write(data)
  return { socket, response: () => response, closed: () => closed }
}
