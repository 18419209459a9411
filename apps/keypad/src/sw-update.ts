/** The parts of `navigator.serviceWorker` the update prompt needs (a hand-made fake in the unit test). */
export interface WorkerContainer extends EventTarget {
  readonly controller: unknown
  register(url: string, options: { scope: string }): Promise<WorkerRegistration>
}
export interface WorkerRegistration extends EventTarget {
  readonly installing: Worker | null
  readonly waiting: Worker | null
  update(): Promise<unknown>
}
interface Worker extends EventTarget {
  readonly state: string
  postMessage(message: unknown): void
}

export interface UpdatePrompt {
  /** Registers the worker (after the page has loaded, so precaching never competes with the first load). */
  start(): void
  subscribe(listener: () => void): () => void
  /** A new version is installed and waits for the user. */
  getSnapshot(): boolean
  /** The user tapped "Reload": the waiting worker takes over, then the page reloads into it. */
  apply(): void
  /** Asks the server for a newer service worker (on focus; browsers also check on every navigation). */
  check(): void
}

/**
 * Registers the service worker and asks before new code takes over: an installed update waits (no skipWaiting,
 * no clientsClaim) until `apply()`, which the page calls only on the user's tap. Workbox's worker skips waiting on
 * the `SKIP_WAITING` message.
 */
export function watchServiceWorker(
  container: WorkerContainer | undefined,
  reload: () => void,
  url = '/sw.js',
): UpdatePrompt {
  const listeners = new Set<() => void>()
  let waiting: Worker | null = null
  let registration: WorkerRegistration | undefined
  const offer = (worker: Worker | null) => {
    // Without a controller this is the first install, not an update: nothing to ask.
    if (!worker || !container?.controller || waiting === worker) return
    waiting = worker
    for (const listener of listeners) listener()
  }
  const start = () =>
    void container?.register(url, { scope: '/' }).then(
      (reg) => {
        registration = reg
        offer(reg.waiting)
        reg.addEventListener('updatefound', () => {
          const worker = reg.installing
          worker?.addEventListener('statechange', () => {
            if (worker.state === 'installed') offer(worker)
          })
        })
      },
      // No service worker (plain http, private mode): the keypad works without offline start.
      () => undefined,
    )
  return {
    start,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => waiting !== null,
    apply() {
      if (!waiting || !container) return
      container.addEventListener('controllerchange', () => reload(), { once: true })
      waiting.postMessage({ type: 'SKIP_WAITING' })
    },
    check() {
      void registration?.update().catch(() => undefined)
    },
  }
}
