// TEMPORARY until @keyroom/relay lands: the relay's seed API (join-room, broadcast, room-info) plus static files.
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { Server } from 'socket.io'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
}

export async function startRelay(config: { staticDir?: string } = {}) {
  const http = createServer((req, res) => {
    const dir = config.staticDir
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    )
    let file = dir ? join(dir, path) : ''
    if (dir && (!existsSync(file) || statSync(file).isDirectory())) file = join(dir, 'index.html')
    if (!dir || !existsSync(file)) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  const io = new Server(http)
  io.on('connection', (socket) => {
    socket.on('join-room', (room: string, ack?: (a: unknown) => void) => {
      void socket.join(room)
      ack?.({ ok: true })
    })
    socket.on(
      'broadcast',
      (req: { roomName: string; eventName: string; payload: unknown }, ack?: (a: unknown) => void) => {
        socket.to(req.roomName).emit(req.eventName, req.payload)
        ack?.({ ok: true })
      },
    )
    socket.on('disconnecting', () => {
      for (const room of socket.rooms) {
        if (room !== socket.id)
          socket.to(room).emit('room-info', { roomName: room, count: 0, left: socket.id })
      }
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  }
}
