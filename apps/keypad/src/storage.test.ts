import { describe, expect, it } from 'vitest'
import { memoryStore, readJson, writeJson } from './storage.js'

describe('storage helpers', () => {
  it('round-trips JSON and reads missing or broken values as undefined', () => {
    const store = memoryStore()
    expect(readJson(store, 'a')).toBeUndefined()
    expect(writeJson(store, 'a', { x: 1 })).toBe(true)
    expect(readJson(store, 'a')).toEqual({ x: 1 })
    store.setItem('b', '{not json')
    expect(readJson(store, 'b')).toBeUndefined()
  })

  it('survives a storage that throws (private mode, quota)', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('quota')
      },
      removeItem: () => undefined,
    }
    expect(readJson(broken, 'a')).toBeUndefined()
    expect(writeJson(broken, 'a', 1)).toBe(false)
  })
})
