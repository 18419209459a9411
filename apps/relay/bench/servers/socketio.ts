import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { serveBench } from './harness.js'

/** The plain Socket.IO relay keyroom's grew from: no parsing, no limits, no room-info. */
serveBench(async () => {
  const http = createServer()
  const io = new Server(http, { serveClient: false })
  io.on('connection', (socket) => {
    // The ack on join is the bench's only addition: it tells the bench the room is ready.
    socket.on('join-room', (room: string, ack?: () => void) => {
      void socket.join(room)
      ack?.()
    })
    socket.on('broadcast', ({ roomName, eventName, payload }) => {
      socket.to(roomName).emit(eventName, payload)
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return {
    port: (http.address() as AddressInfo).port,
    connections: () => io.engine.clientsCount,
    heartbeatMs: io.engine.opts.pingInterval,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  }
})
