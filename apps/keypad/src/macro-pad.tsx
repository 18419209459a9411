import type { KeyAction } from '@keyroom/key-events'
import type { DevicePeer, Target } from '@keyroom/room-client'
import { lazy, Suspense, useState } from 'react'
import { defaultMacros, loadMacros, type Macro, macroActions, macroPlatform, saveMacros } from './macros.js'
import type { KeyValueStore } from './storage.js'
import { targetChoices } from './target-choices.js'

// The editor is rarely opened: it loads on demand, outside the first-load bundle.
const MacroEditor = lazy(() => import('./macro-editor.js'))

interface MacroPadProps {
  /** Where the macros are kept (read when the pad opens, written on every change). */
  store: KeyValueStore
  /** Runs a macro's actions; `to` is the macro's own target, if it has one. */
  onRun(actions: readonly KeyAction[], to: Target | undefined): void
  /** A macro that cannot run, and why. */
  onProblem(message: string): void
  /**
   * The devices in the room: the default macros' shortcuts follow the receivers' platform until edited, and the
   * editor offers them as where a macro's keys go.
   */
  peers: readonly DevicePeer[]
}

/**
 * The user's own buttons; each one a chord, a text or a key sequence. Loaded with its tab, with the macro model and
 * the chord parser: none of it is needed to type.
 */
export function MacroPad({ store, onRun, onProblem, peers }: MacroPadProps) {
  const [saved, setSaved] = useState(() => loadMacros(store))
  const macros = saved ?? defaultMacros(macroPlatform(peers))
  const [editing, setEditing] = useState(false)
  const [pressed, setPressed] = useState<string | undefined>()
  const onChange = (next: Macro[]) => {
    setSaved(next)
    saveMacros(store, next)
  }
  if (editing) {
    return (
      <Suspense fallback={<p className="loading">Loading editor…</p>}>
        <MacroEditor macros={macros} peers={peers} onChange={onChange} onClose={() => setEditing(false)} />
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
            data-active={pressed === macro.id || undefined}
            onPointerDown={() => setPressed(macro.id)}
            onPointerUp={() => setPressed(undefined)}
            onPointerLeave={() => setPressed(undefined)}
            onPointerCancel={() => setPressed(undefined)}
            onClick={() => {
              const actions = macroActions(macro.action)
              if (actions.ok) onRun(actions.value, macro.to)
              else onProblem(`${macro.label}: ${actions.error.message}`)
            }}
          >
            {macro.label}
            {macro.to ? (
              // Seen, not read out twice: the button's name stays its label.
              <span className="macro-to" aria-hidden="true">
                → {targetChoices(peers, macro.to).find((c) => c.value === macro.to)?.label}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <button type="button" className="action" onClick={() => setEditing(true)}>
        Edit macros
      </button>
    </div>
  )
}
