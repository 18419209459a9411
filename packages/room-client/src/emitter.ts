/** A minimal typed event emitter that works the same in Node and browsers; a throwing listener is isolated. */
export function createEmitter<Events extends object>(onListenerError: (error: unknown) => void) {
  const listeners = new Map<keyof Events, Set<(value: never) => void>>()
  return {
    on<E extends keyof Events>(event: E, listener: (value: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set()
      set.add(listener as (value: never) => void)
      listeners.set(event, set)
      return () => set.delete(listener as (value: never) => void)
    },
    emit<E extends keyof Events>(event: E, value: Events[E]): void {
      for (const listener of listeners.get(event) ?? []) {
        try {
          ;(listener as (value: Events[E]) => void)(value)
        } catch (error) {
          onListenerError(error)
        }
      }
    },
  }
}
