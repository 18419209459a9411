/** The part of `localStorage` the keypad uses; a Map-backed fake serves tests. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** Reads JSON from storage; undefined when missing, unreadable or storage throws (private mode). */
export function readJson(store: KeyValueStore, key: string): unknown {
  try {
    const text = store.getItem(key)
    return text === null ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Writes JSON; false when storage refuses (quota, private mode). */
export function writeJson(store: KeyValueStore, key: string, value: unknown): boolean {
  try {
    store.setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false
  }
}

/** A storage that keeps values in memory: the fallback when `localStorage` is not there. */
export function memoryStore(): KeyValueStore {
  const values = new Map<string, string>()
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => {
      values.set(key, String(value))
    },
    removeItem: (key) => {
      values.delete(key)
    },
  }
}
