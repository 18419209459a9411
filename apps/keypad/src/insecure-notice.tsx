import { useState } from 'react'

/**
 * Over plain http from another machine (not localhost), browsers withhold what the keypad leans on; say what and
 * why, once, and let it be dismissed (the keys still work).
 */
export function InsecureNotice() {
  const [open, setOpen] = useState(() => !window.isSecureContext)
  if (!open) return null
  return (
    <aside className="insecure" aria-label="Plain http">
      <p>
        Plain http: this browser turns off offline start and install, keeping the screen awake, and the camera
        for QR codes, and this phone's key is kept unencrypted. Anyone on this network could change this page
        and read what you type. Use an https link.
      </p>
      <button type="button" className="action secondary" onClick={() => setOpen(false)}>
        Dismiss
      </button>
    </aside>
  )
}
