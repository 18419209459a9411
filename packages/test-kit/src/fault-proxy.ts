import { createServer, type Socket, connect as tcpConnect } from 'node:net'

/** Which way data flows through the proxy: `up` is client to target, `down` is target to client. */
export type Direction = 'up' | 'down' | 'both'

export interface FaultProxy {
  port: number
  /** `http://127.0.0.1:<port>`, for clients that take a URL. */
  url: string
  /** Open client connections. */
  readonly connections: number
  /** Holds every chunk this long before passing it on, in order (0 turns it off). */
  setDelay(ms: number): void
  /**
   * Stops reading in the given direction: data waits, as TCP keeps unacknowledged data, and backs up into the
   * sender's buffers (a stalled `down` is a member that stops reading). Connections stay open.
   */
  stall(direction?: Direction): void
  resume(direction?: Direction): void
  /** Resets every connection (TCP RST both ways): no close frame, no FIN, as a dropped link seen by the kernel. */
  cut(): void
  /** Nothing gets through either way, new connections hang unanswered, until `heal()` (which delivers the backlog). */
  partition(): void
  heal(): void
  close(): Promise<void>
}

interface Pipe {
  from: Socket
  to: Socket
  stalled: boolean
  /** Chunks held back by the delay, oldest first. */
  queue: { at: number; chunk: Buffer }[]
  timer: NodeJS.Timeout | undefined
  blocked: boolean
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` that misbehaves on request: delay, stall, cut, partition. This
 * machine has no netem; the chaos tests put this between a client and the relay instead.
 */
export async function startFaultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  const host = target.host ?? '127.0.0.1'
  let delayMs = 0
  let partitioned = false
  const stalled = { up: false, down: false }
  const pairs = new Set<{ client: Socket; upstream: Socket | undefined; up?: Pipe; down?: Pipe }>()
  const held: (() => void)[] = []

  const pump = (pipe: Pipe) => {
    pipe.timer = undefined
    const at = Date.now()
    while (pipe.queue.length > 0 && (pipe.queue[0]?.at ?? 0) <= at) {
      const next = pipe.queue.shift()
      if (next && !pipe.to.destroyed && !pipe.to.write(next.chunk)) pipe.blocked = true
    }
    const first = pipe.queue[0]
    if (first) pipe.timer = setTimeout(() => pump(pipe), Math.max(0, first.at - Date.now()))
    applyFlow(pipe)
  }
  const applyFlow = (pipe: Pipe) => {
    if (pipe.stalled || pipe.blocked) pipe.from.pause()
    else pipe.from.resume()
  }
  const makePipe = (from: Socket, to: Socket, direction: 'up' | 'down'): Pipe => {
    const pipe: Pipe = { from, to, stalled: stalled[direction], queue: [], timer: undefined, blocked: false }
    from.on('data', (chunk: Buffer) => {
      pipe.queue.push({ at: Date.now() + delayMs, chunk })
      if (!pipe.timer) pump(pipe)
    })
    to.on('drain', () => {
      pipe.blocked = false
      applyFlow(pipe)
    })
    applyFlow(pipe)
    return pipe
  }
  const each = (direction: Direction, change: (pipe: Pipe) => void) => {
    for (const pair of pairs) {
      if (direction !== 'down' && pair.up) change(pair.up)
      if (direction !== 'up' && pair.down) change(pair.down)
    }
  }
  const setStalled = (direction: Direction, value: boolean) => {
    if (direction !== 'down') stalled.up = value
    if (direction !== 'up') stalled.down = value
    each(direction, (pipe) => {
      pipe.stalled = value
      applyFlow(pipe)
    })
  }

  const server = createServer((client) => {
    const pair: { client: Socket; upstream: Socket | undefined; up?: Pipe; down?: Pipe } = {
      client,
      upstream: undefined,
    }
    pairs.add(pair)
    client.pause()
    const drop = () => {
      pairs.delete(pair)
      for (const pipe of [pair.up, pair.down]) clearTimeout(pipe?.timer)
      client.destroy()
      pair.upstream?.destroy()
    }
    client.on('error', drop)
    client.on('close', drop)
    const open = () => {
      if (client.destroyed) return
      const upstream = tcpConnect({ host, port: target.port })
      pair.upstream = upstream
      upstream.on('error', drop)
      upstream.on('close', drop)
      upstream.once('connect', () => {
        pair.up = makePipe(client, upstream, 'up')
        pair.down = makePipe(upstream, client, 'down')
      })
    }
    if (partitioned) held.push(open)
    else open()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return pairs.size
    },
    setDelay(ms) {
      delayMs = Math.max(0, ms)
    },
    stall: (direction = 'both') => setStalled(direction, true),
    resume: (direction = 'both') => setStalled(direction, false),
    cut() {
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy()
        pair.upstream?.resetAndDestroy()
      }
    },
    partition() {
      partitioned = true
      setStalled('both', true)
    },
    heal() {
      partitioned = false
      setStalled('both', false)
      for (const open of held.splice(0)) open()
    },
    close() {
      for (const pair of [...pairs]) {
        pair.client.destroy()
        pair.upstream?.destroy()
      }
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
