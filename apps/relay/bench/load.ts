import type { RelayAck } from '@keyroom/key-events'
import { connectMany, type RelayClient } from './clients.js'
import { BENCH } from './config.js'
import { sealedLike, sequenceOf } from './payload.js'
import type { ServerProcess } from './server-process.js'
import { type LatencySummary, summarizeLatency } from './stats.js'
import { waitUntil } from './wait.js'

/** Tick of the sender loop: every tick sends what the offered rate says is due by now. */
const TICK_MS = 2

/** Records when each event was sent and how long each delivery took; ignores events of other phases. */
class Recorder {
  readonly sentAt: Float64Array
  readonly latencies: Float64Array
  delivered = 0
  lastDeliveryAt = 0
  acked = 0
  refused = 0

  constructor(
    readonly firstSeq: number,
    readonly events: number,
    readonly fanout: number,
  ) {
    this.sentAt = new Float64Array(events)
    this.latencies = new Float64Array(events * fanout)
  }

  receive = (payload: unknown): void => {
    const at = performance.now()
    const index = sequenceOf(payload) - this.firstSeq
    if (index < 0 || index >= this.events || this.delivered >= this.latencies.length) return
    this.latencies[this.delivered++] = at - (this.sentAt[index] ?? at)
    this.lastDeliveryAt = at
  }

  ack = (answer: RelayAck): void => {
    if (answer.ok) this.acked++
    else this.refused++
  }
}

/** Rooms of 1 sender + 2 receivers on one relay, kept open across rounds. */
export interface Fleet {
  server: ServerProcess
  senders: { room: string; client: RelayClient }[]
  recorder: Recorder | undefined
  close(): void
}

export async function openFleet(server: ServerProcess): Promise<Fleet> {
  const perRoom = 1 + BENCH.receiversPerRoom
  const fleet: Fleet = { server, senders: [], recorder: undefined, close: () => {} }
  const clients = await connectMany(server.kind, server.url, BENCH.rooms * perRoom, (payload) =>
    fleet.recorder?.receive(payload),
  )
  fleet.close = () => {
    for (const client of clients) client.close()
  }
  await Promise.all(clients.map((client, i) => client.join(`bench-${Math.floor(i / perRoom)}`)))
  fleet.senders = clients.flatMap((client, i) =>
    i % perRoom === 0 ? [{ room: `bench-${i / perRoom}`, client }] : [],
  )
  return fleet
}

export interface LoadResult {
  offeredPerSecond: number
  sent: number
  /** Deliveries expected: every event to every receiver of its room. */
  expected: number
  delivered: number
  /** Deliveries per second, from the first send to the last delivery. */
  deliveredPerSecond: number
  /** Sender timestamp to receiver, milliseconds. */
  latency: LatencySummary
  /** Server CPU (user + system) per inbound event, microseconds. */
  serverMicrosPerEvent: number
  /** The kernel's part of it (system time): what no JavaScript change can remove. */
  serverSystemMicrosPerEvent: number
  /** CPU of the bench process (all clients) per inbound event, microseconds: context, not the relay's cost. */
  clientMicrosPerEvent: number
  acked: number
  refused: number
}

let nextSeq = 0

/** Sends `rate` events per second for `seconds` (open loop, spread over the rooms), then waits for the deliveries. */
export async function runLoad(
  fleet: Fleet,
  options: { rate: number; seconds: number; ack: boolean },
): Promise<LoadResult> {
  const events = Math.round(options.rate * options.seconds)
  const recorder = new Recorder(nextSeq, events, BENCH.receiversPerRoom)
  nextSeq += events
  fleet.recorder = recorder
  const onAck = options.ack ? recorder.ack : undefined

  const serverBefore = await fleet.server.stats()
  const clientBefore = process.cpuUsage()
  const startedAt = performance.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(events, Math.floor(((performance.now() - startedAt) / 1000) * options.rate))
      for (; sent < due; sent++) {
        const sender = fleet.senders[sent % fleet.senders.length]
        if (!sender) break
        recorder.sentAt[sent] = performance.now()
        sender.client.send(sender.room, sealedLike(recorder.firstSeq + sent), onAck)
      }
      if (sent >= events) {
        clearInterval(timer)
        resolve()
      }
    }, TICK_MS)
  })
  const expected = events * BENCH.receiversPerRoom
  await waitUntil(
    () => recorder.delivered >= expected && (!options.ack || recorder.acked + recorder.refused >= events),
    BENCH.drainMs,
  )
  const client = process.cpuUsage(clientBefore)
  const serverAfter = await fleet.server.stats()
  fleet.recorder = undefined

  const activeSeconds = (recorder.lastDeliveryAt - startedAt) / 1000
  return {
    offeredPerSecond: options.rate,
    sent,
    expected,
    delivered: recorder.delivered,
    deliveredPerSecond: activeSeconds > 0 ? recorder.delivered / activeSeconds : 0,
    latency: summarizeLatency(recorder.latencies, recorder.delivered),
    serverMicrosPerEvent: (serverAfter.cpuMicros - serverBefore.cpuMicros) / sent,
    serverSystemMicrosPerEvent: (serverAfter.systemMicros - serverBefore.systemMicros) / sent,
    clientMicrosPerEvent: (client.user + client.system) / sent,
    acked: recorder.acked,
    refused: recorder.refused,
  }
}
