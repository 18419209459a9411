import { lazy, Suspense, useState } from 'react'
import type { Macro } from './macros.js'

// The editor is rarely opened: it loads on demand, outside the first-load bundle.
const MacroEditor = lazy(() => import('./macro-editor.js'))

interface MacroPadProps {
  macros: readonly Macro[]
  onRun(macro: Macro): void
  onChange(macros: Macro[]): void
}

/** The user's own buttons; each one a chord, a text or a key sequence. */
export function MacroPad({ macros, onRun, onChange }: MacroPadProps) {
  const [editing, setEditing] = useState(false)
  if (editing) {
    return (
      <Suspense fallback={<p className="loading">Loading editor…</p>}>
        <MacroEditor macros={macros} onChange={onChange} onClose={() => setEditing(false)} />
      </Suspense>
    )
  }
  return (
    <div className="macro-pad">
      <div className="macro-grid">
        {macros.map((macro) => (
          <button
            type="button"
            key={macro.id}
            className="key macro"
            style={{ background: macro.color }}
            onClick={() => onRun(macro)}
          >
            {macro.label}
          </button>
        ))}
      </div>
      <button type="button" className="action" onClick={() => setEditing(true)}>
        Edit macros
      </button>
    </div>
  )
}
