import type { ClientEvents, KEYROOM_EVENT, RelayedEvents, ServerEvents } from '@keyroom/key-events'
import { io, type Socket } from 'socket.io-client'

/** A connection to the relay, typed by the relay API's event maps; what it hears under `keyroom` is untrusted. */
export type RelaySocket = Socket<ServerEvents & RelayedEvents<typeof KEYROOM_EVENT>, ClientEvents>

/** Connects to a relay over WebSocket, falling back to long-polling, and retries at least every 5 s. */
export const connectRelay = (relay: string): RelaySocket =>
  io(relay, { transports: ['websocket', 'polling'], reconnectionDelayMax: 5_000 })
