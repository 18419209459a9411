import { RelayEvent } from '@keyroom/key-events'
import type { RelaySocket } from './relay-socket.js'
import type { LinkHealth } from './types.js'

export interface LinkHeartbeatOptions {
  socket: RelaySocket
  /** The room name the relay knows this member by (v2: its `k1.` credential name, never a proof). */
  room: string
  everyMs: number
  connected(): boolean
  now(): number
  /** The link stalled (no answer within 1.5 heartbeats) or answers again. */
  onChange(health: LinkHealth): void
}

/**
 * A join of the room we are in is the relay's cheapest answered call (no broadcast, no notice): a link that stalls
 * keeps socket.io "connected" for many seconds, an unanswered heartbeat says so within about two. Returns the
 * interval, for the caller to clear with its other timers.
 */
export function startLinkHeartbeat(options: LinkHeartbeatOptions): ReturnType<typeof setInterval> {
  const { socket, everyMs, now } = options
  let stalled = false
  let rttMs: number | undefined
  const setStalled = (next: boolean) => {
    if (next === stalled) return
    stalled = next
    options.onChange({ stalled, ...(rttMs !== undefined ? { rttMs } : {}) })
  }
  return setInterval(() => {
    if (!options.connected()) return setStalled(false)
    const sentAt = now()
    socket.timeout(everyMs * 1.5).emit(RelayEvent.joinRoom, options.room, (timeout: Error | null) => {
      if (timeout) return setStalled(true)
      rttMs = now() - sentAt
      setStalled(false)
    })
  }, everyMs)
}
