import { parseTarget, type Target } from '@keyroom/room-client'
import { isLayoutId, LAYOUT_IDS, type LayoutId } from './layouts.js'
import { type KeyValueStore, readJson, writeJson } from './storage.js'

/** Preferences kept on the phone. */
export interface Settings {
  /** What this phone calls itself in the room. */
  name: string
  sound: boolean
  layout: LayoutId
  /** Trackpad pointer speed: screen points per pixel of slow finger travel (faster fingers accelerate). */
  pointerSpeed: number
  /** Where each layout's keys go (absent: every receiver); a macro may choose its own. */
  targets: Partial<Record<LayoutId, Target>>
}

export const SETTINGS_STORAGE_KEY = 'keyroom.settings.v1'
export const DEFAULT_SETTINGS: Settings = {
  name: 'Phone keypad',
  sound: false,
  layout: 'qwerty',
  pointerSpeed: 1.5,
  targets: {},
}
export const POINTER_SPEED_RANGE = { min: 0.5, max: 4, step: 0.25 } as const

/** Saved settings over the defaults; each field checked on its own (storage is untrusted). */
export function loadSettings(store: KeyValueStore): Settings {
  const saved = readJson(store, SETTINGS_STORAGE_KEY)
  if (typeof saved !== 'object' || saved === null) return { ...DEFAULT_SETTINGS }
  const s = saved as Record<string, unknown>
  const name = typeof s.name === 'string' ? s.name.trim().slice(0, 64) : ''
  return {
    name: name.length > 0 ? name : DEFAULT_SETTINGS.name,
    sound: typeof s.sound === 'boolean' ? s.sound : DEFAULT_SETTINGS.sound,
    layout: isLayoutId(s.layout) ? s.layout : DEFAULT_SETTINGS.layout,
    pointerSpeed:
      typeof s.pointerSpeed === 'number' &&
      s.pointerSpeed >= POINTER_SPEED_RANGE.min &&
      s.pointerSpeed <= POINTER_SPEED_RANGE.max
        ? s.pointerSpeed
        : DEFAULT_SETTINGS.pointerSpeed,
    targets: loadTargets(s.targets),
  }
}

/** Each layout's target checked on its own: one bad entry costs only itself. */
function loadTargets(saved: unknown): Settings['targets'] {
  if (typeof saved !== 'object' || saved === null) return {}
  const entries = LAYOUT_IDS.flatMap((id) => {
    const target = parseTarget((saved as Record<string, unknown>)[id])
    return target && target !== 'all' ? [[id, target] as const] : []
  })
  return Object.fromEntries(entries)
}

/** Where a layout's keys go. */
export const targetOf = (settings: Settings, layout: LayoutId): Target => settings.targets[layout] ?? 'all'

export const saveSettings = (store: KeyValueStore, settings: Settings): boolean =>
  writeJson(store, SETTINGS_STORAGE_KEY, settings)
