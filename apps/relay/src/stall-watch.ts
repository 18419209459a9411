/**
 * Notices a peer that keeps its connection open and answers nothing (a Redis under SIGSTOP, on a dead disk, or
 * behind a silently dropped route): TCP stays up, so no connection event ever says so. Pings every `intervalMs`,
 * one at a time, and calls it stalled when an answer takes longer than `deadlineMs`; answering again ends it.
 */
export function watchForStall(options: {
  /** Resolves on the peer's answer; rejects when the connection is down (connection events report that). */
  ping: () => Promise<unknown>
  intervalMs: number
  deadlineMs: number
  onStalled: () => void
  onAnswered: () => void
}): { stalled: () => boolean; stop: () => void } {
  let outstanding = false
  let stalled = false
  let stopped = false
  let deadline: ReturnType<typeof setTimeout> | undefined
  const settle = (answered: boolean) => {
    outstanding = false
    clearTimeout(deadline)
    const wasStalled = stalled
    stalled = false
    if (wasStalled && answered) options.onAnswered()
  }
  const tick = () => {
    if (outstanding) return
    outstanding = true
    deadline = setTimeout(() => {
      // After the poll phase: an answer that came in while this process was busy is read first, not called late.
      setImmediate(() => {
        if (!outstanding || stalled || stopped) return
        stalled = true
        options.onStalled()
      })
    }, options.deadlineMs)
    deadline.unref()
    options.ping().then(
      () => settle(true),
      () => settle(false),
    )
  }
  const interval = setInterval(tick, options.intervalMs)
  interval.unref()
  return {
    stalled: () => stalled,
    stop() {
      stopped = true
      clearInterval(interval)
      clearTimeout(deadline)
    },
  }
}
