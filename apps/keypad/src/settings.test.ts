import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, loadSettings, SETTINGS_STORAGE_KEY, saveSettings } from './settings.js'
import { memoryStore } from './storage.js'

describe('settings', () => {
  it('saves and loads, with defaults for anything missing or wrong', () => {
    const store = memoryStore()
    expect(loadSettings(store)).toEqual(DEFAULT_SETTINGS)
    saveSettings(store, { name: 'Anna phone', sound: true, layout: 'numpad', pointerSpeed: 2.5 })
    expect(loadSettings(store)).toEqual({
      name: 'Anna phone',
      sound: true,
      layout: 'numpad',
      pointerSpeed: 2.5,
    })
    store.setItem(
      SETTINGS_STORAGE_KEY,
      JSON.stringify({ name: '   ', sound: 'yes', layout: 'dvorak', pointerSpeed: 1e9 }),
    )
    expect(loadSettings(store)).toEqual(DEFAULT_SETTINGS)
    store.setItem(SETTINGS_STORAGE_KEY, JSON.stringify({ pointerSpeed: '2' }))
    expect(loadSettings(store).pointerSpeed).toBe(DEFAULT_SETTINGS.pointerSpeed)
  })
})
