import { setTimeout as sleep } from 'node:timers/promises'

/** Polls `done` until it holds or `timeoutMs` passes; true when it held. Every wait in the bench is bounded. */
export async function waitUntil(done: () => boolean, timeoutMs: number, intervalMs = 10): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!done()) {
    if (performance.now() >= deadline) return false
    await sleep(intervalMs)
  }
  return true
}

export { sleep }
