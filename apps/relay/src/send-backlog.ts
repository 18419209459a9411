import type { Logger } from 'pino'
import type { LogBudget } from './log-budget.js'
import type { Metrics } from './metrics.js'

/** An engine.io packet on its way out: a pre-encoded broadcast frame, an ack, a ping. */
interface OutgoingPacket {
  data?: unknown
}

/** The parts of an engine.io connection (engine.io's `Socket`) the bound reads. */
export interface EngineConnection {
  id: string
  /** Packets waiting for the transport to take them: it takes none while the last batch is unwritten. */
  writeBuffer: OutgoingPacket[]
  transport: {
    writable: boolean
    /** The `ws` WebSocket of the websocket transport: bytes handed to the TCP socket and not yet to the kernel. */
    socket?: { bufferedAmount?: number; terminate?: () => void }
  }
  on(event: 'packetCreate', listener: (this: EngineConnection, packet: OutgoingPacket) => void): unknown
  close(discard?: boolean): void
}

const packetBytes = (packet: OutgoingPacket): number => {
  const { data } = packet
  if (typeof data === 'string') return data.length
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  return 0
}

/**
 * Caps what the relay holds for one connection that does not read: once the kernel's socket buffers are full,
 * every packet for it waits in the process (engine.io's write buffer, then the TCP socket's), and a member of 10
 * busy rooms that stopped reading grew the relay by 391 MB in 12 s (issue 18). Past `maxBytes` it is dropped at
 * once, discarding what waits, with a log line and `keyroom_relay_backlog_disconnects_total`; the others in its
 * rooms are not held up by it.
 *
 * Checked as each packet is queued for a connection whose transport is still busy, so healthy connections pay one
 * property read per packet. Bytes waiting in a write buffer are summed once per packet, keyed by the buffer itself
 * (engine.io starts a new one each flush).
 */
export function createSendBacklog(options: {
  maxBytes: number
  /** The client address a connection's log line names. */
  ipOf(connection: EngineConnection): string
  metrics: Metrics
  log: Logger
  logBudget: LogBudget
}) {
  const { maxBytes, metrics, log, logBudget } = options
  const waiting = new WeakMap<OutgoingPacket[], number>()

  function drop(connection: EngineConnection, backlog: number) {
    metrics.counters.backlogDisconnects++
    const ip = options.ipOf(connection)
    const suppressed = logBudget.take(ip)
    if (suppressed !== false) {
      log.warn(
        {
          ip,
          connection: connection.id,
          backlogBytes: backlog,
          maxBytes,
          ...(suppressed > 0 ? { suppressed } : {}),
        },
        `dropped a connection that stopped reading: ${backlog} bytes waiting for it, the limit is ${maxBytes}`,
      )
    }
    const ws = connection.transport.socket
    connection.close(true) // discard: engine.io would otherwise wait for the backlog to drain first
    // A WebSocket close handshake would queue behind the backlog and wait up to 30 s: end the TCP socket now.
    ws?.terminate?.()
  }

  // One function for every connection: engine.io calls it with `this` set to the connection.
  function onPacketCreate(this: EngineConnection, packet: OutgoingPacket) {
    if (this.transport.writable) return
    const buffer = this.writeBuffer
    const queued = (waiting.get(buffer) ?? 0) + packetBytes(packet)
    waiting.set(buffer, queued)
    const backlog = queued + (this.transport.socket?.bufferedAmount ?? 0)
    if (backlog > maxBytes) drop(this, backlog)
  }

  return {
    /** Bounds this connection's backlog for as long as it is open. */
    watch(connection: EngineConnection): void {
      connection.on('packetCreate', onPacketCreate)
    },
  }
}
