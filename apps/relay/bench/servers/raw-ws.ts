import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'
import { serveBench } from './harness.js'

/** The same rooms over bare `ws` with JSON text messages: the floor for a Node relay. */
serveBench(async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  const rooms = new Map<string, Set<WebSocket>>()
  wss.on('connection', (ws) => {
    const joined = new Set<string>()
    ws.on('message', (data) => {
      const message = JSON.parse(String(data))
      if (message.type === 'join-room') {
        const members = rooms.get(message.room) ?? new Set<WebSocket>()
        rooms.set(message.room, members.add(ws))
        joined.add(message.room)
        ws.send(JSON.stringify({ type: 'joined', room: message.room }))
      } else if (message.type === 'broadcast') {
        const out = JSON.stringify({ type: 'event', eventName: message.eventName, payload: message.payload })
        for (const member of rooms.get(message.roomName) ?? []) if (member !== ws) member.send(out)
      }
    })
    ws.on('close', () => {
      for (const room of joined) {
        const members = rooms.get(room)
        members?.delete(ws)
        if (members?.size === 0) rooms.delete(room)
      }
    })
  })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  return {
    port: (wss.address() as AddressInfo).port,
    connections: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate()
        wss.close(() => resolve())
      }),
  }
})
