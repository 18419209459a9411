import { useSyncExternalStore } from 'react'
import type { UpdatePrompt as Updates } from './sw-update.js'

/** "New version ready": the new code runs only after the user taps Reload (see sw-update.ts). */
export function UpdatePrompt({ updates }: { updates: Updates }) {
  const ready = useSyncExternalStore(updates.subscribe, updates.getSnapshot)
  if (!ready) return null
  return (
    <aside className="update" aria-label="Update">
      <p>New version ready — reload to use it.</p>
      <button type="button" className="action" onClick={() => updates.apply()}>
        Reload
      </button>
    </aside>
  )
}
