// node:timers, not the global: a turn of the real event loop even where a test fakes the global timers.
import { setImmediate } from 'node:timers'
import type { Serial } from './serial.js'

/**
 * The receiver's keyboard queue: one job at a time, in two lanes. Releases (a lease running out, `release-all`,
 * a sender leaving, the socket dropping, an `up` for a key that is down) go in the urgent lane and run before any
 * queued action; everything else runs in order. A long job (typing a text) calls `pause()` between keystrokes: it
 * yields to the event loop, so timers and socket input are not starved, and runs the urgent jobs waiting then.
 */
export interface ActionQueue {
  /** Runs `job` after every job queued before it (urgent ones first). */
  run<T>(job: () => Promise<T>): Promise<T>
  /** Runs `job`, typing text, like `run`; a `release` may go ahead of it. */
  runText<T>(job: () => Promise<T>): Promise<T>
  /**
   * A release a sender asked for (`up`, `release-all`): ahead of queued text, which a held key does not change, but
   * after every other queued action (a tap queued behind Shift must still get Shift, a drag's moves come before its
   * button goes up, a second phone's hold of the same key still overlaps). With only text queued, it is urgent.
   */
  release<T>(job: () => Promise<T>): Promise<T>
  /** Runs `job` ahead of every queued `run` job: next, or at the running job's next `pause()`. */
  urgent<T>(job: () => Promise<T>): Promise<T>
  /** For the running job, between two keystrokes: a turn of the event loop, then the urgent jobs waiting. */
  pause(): Promise<void>
  /** The urgent lane as a {@link Serial}, for timer-driven work (lease expiry, repeats). */
  readonly urgentLane: Serial
  /** Resolves when both lanes are empty and nothing runs. */
  idle(): Promise<void>
}

interface Job {
  /** Text: typed the same whatever is held, so a release may go ahead of it. */
  text: boolean
  run: () => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

export function createActionQueue(): ActionQueue {
  const urgentJobs: Job[] = []
  const normalJobs: Job[] = []
  let running = false
  let idleWaiters: Array<() => void> = []

  const runOne = async (job: Job) => {
    try {
      job.resolve(await job.run())
    } catch (error) {
      job.reject(error)
    }
  }

  const drainUrgent = async () => {
    for (let job = urgentJobs.shift(); job; job = urgentJobs.shift()) await runOne(job)
  }

  const pump = async () => {
    if (running) return
    running = true
    try {
      for (;;) {
        await drainUrgent()
        const job = normalJobs.shift()
        if (!job) break
        await runOne(job)
      }
    } finally {
      running = false
      const waiters = idleWaiters
      idleWaiters = []
      for (const resolve of waiters) resolve()
    }
  }

  const enqueue = <T>(lane: Job[], run: () => Promise<T>, text = false, at = lane.length) =>
    new Promise<T>((resolve, reject) => {
      lane.splice(at, 0, { text, run, resolve: resolve as (value: unknown) => void, reject })
      void pump()
    })

  const urgent = <T>(job: () => Promise<T>) => enqueue(urgentJobs, job)
  const idle = () =>
    !running && urgentJobs.length === 0 && normalJobs.length === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => idleWaiters.push(resolve))

  return {
    run: (job) => enqueue(normalJobs, job),
    runText: (job) => enqueue(normalJobs, job, true),
    urgent,
    release(job) {
      const last = normalJobs.findLastIndex((queued) => !queued.text)
      return last < 0 ? urgent(job) : enqueue(normalJobs, job, false, last + 1)
    },
    async pause() {
      await nextTurn()
      await drainUrgent()
    },
    urgentLane: { run: urgent, idle },
    idle,
  }
}
