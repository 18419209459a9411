import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, loadSettings, SETTINGS_STORAGE_KEY, saveSettings } from './settings.js'
import { memoryStore } from './storage.js'

describe('settings', () => {
  it('saves and loads, with defaults for anything missing or wrong', () => {
    const store = memoryStore()
    expect(loadSettings(store)).toEqual(DEFAULT_SETTINGS)
    const targets = { media: 'kind:pins', macros: 'device:7XQ4-M2KD-9FHR-0WCE' } as const
    saveSettings(store, { name: 'Anna phone', sound: true, layout: 'numpad', pointerSpeed: 2.5, targets })
    expect(loadSettings(store)).toEqual({
      name: 'Anna phone',
      sound: true,
      layout: 'numpad',
      pointerSpeed: 2.5,
      targets,
    })
    store.setItem(
      SETTINGS_STORAGE_KEY,
      JSON.stringify({ name: '   ', sound: 'yes', layout: 'dvorak', pointerSpeed: 1e9 }),
    )
    expect(loadSettings(store)).toEqual(DEFAULT_SETTINGS)
    store.setItem(SETTINGS_STORAGE_KEY, JSON.stringify({ pointerSpeed: '2' }))
    expect(loadSettings(store).pointerSpeed).toBe(DEFAULT_SETTINGS.pointerSpeed)
  })

  it("keeps each layout's target only when it is one, for a layout that exists", () => {
    const store = memoryStore()
    store.setItem(
      SETTINGS_STORAGE_KEY,
      JSON.stringify({
        targets: {
          qwerty: 'kind:computer',
          media: 'kind:toaster',
          dvorak: 'kind:pins',
          numpad: { to: 'all' },
        },
      }),
    )
    expect(loadSettings(store).targets).toEqual({ qwerty: 'kind:computer' })
    store.setItem(SETTINGS_STORAGE_KEY, JSON.stringify({ targets: 'kind:pins' }))
    expect(loadSettings(store).targets).toEqual({})
  })
})
