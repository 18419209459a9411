import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RelayEvent } from '@keyroom/key-events'
import { Server } from 'socket.io'
import { onTestFinished } from 'vitest'

// STAND-IN until @keyroom/relay lands: the same seed API (join-room, broadcast with acks, room-info).
export async function startTestRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer()
  const io = new Server(http)
  io.on('connection', (socket) => {
    socket.on(RelayEvent.joinRoom, (room: string, ack?: (a: unknown) => void) => {
      void socket.join(room)
      ack?.({ ok: true })
    })
    socket.on(
      RelayEvent.broadcast,
      (req: { roomName: string; eventName: string; payload: unknown }, ack?: (a: unknown) => void) => {
        socket.to(req.roomName).emit(req.eventName, req.payload)
        ack?.({ ok: true })
      },
    )
    socket.on('disconnecting', () => {
      for (const room of socket.rooms)
        socket.to(room).emit(RelayEvent.roomInfo, { roomName: room, count: 0, left: socket.id })
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const port = (http.address() as AddressInfo).port
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= new Promise<void>((resolve) => io.close(() => resolve()))
    return closed
  }
  onTestFinished(close)
  return { url: `http://127.0.0.1:${port}`, close }
}
