import { describe, expect, it, vi } from 'vitest'
import { keepScreenOn } from './wake-lock.js'

function fakes() {
  const listeners = new Set<() => void>()
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  }
  const released: number[] = []
  let requests = 0
  const nav = {
    wakeLock: {
      request: async () => {
        const n = ++requests
        return { release: async () => void released.push(n) }
      },
    },
  }
  const show = (state: DocumentVisibilityState) => {
    doc.visibilityState = state
    for (const l of listeners) l()
  }
  return {
    doc: doc as unknown as Document,
    nav: nav as unknown as Navigator,
    show,
    listeners,
    released,
    requests: () => requests,
  }
}

describe('screen wake lock', () => {
  it('takes the lock, takes it again when the page comes back, releases it on stop', async () => {
    const f = fakes()
    const stop = keepScreenOn(f.doc, f.nav)
    await vi.waitFor(() => expect(f.requests()).toBe(1))
    f.show('hidden')
    f.show('visible')
    await vi.waitFor(() => expect(f.requests()).toBe(2))
    stop()
    expect(f.listeners.size).toBe(0)
    await vi.waitFor(() => expect(f.released).toEqual([2]))
  })

  it('does nothing where there is no wake lock, and survives a refusal', async () => {
    const f = fakes()
    expect(() => keepScreenOn(f.doc, {} as Navigator)()).not.toThrow()
    let asked = 0
    const refusing = {
      wakeLock: {
        request: () => {
          asked++
          return Promise.reject(new Error('NotAllowedError'))
        },
      },
    }
    const stop = keepScreenOn(f.doc, refusing as unknown as Navigator)
    await vi.waitFor(() => expect(asked).toBe(1))
    expect(() => stop()).not.toThrow()
  })
})
