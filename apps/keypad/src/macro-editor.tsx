import { parseTarget, type Target } from '@keyroom/room-client'
import { useState } from 'react'
import {
  type Macro,
  type MacroAction,
  type MacroKind,
  parseMacro,
  parseSteps,
  removeMacro,
  upsertMacro,
} from './macros.js'
import { targetChoices } from './target-choices.js'

interface MacroEditorProps {
  macros: readonly Macro[]
  /** The room's devices, for where a macro's keys go. */
  peers: Parameters<typeof targetChoices>[0]
  onChange(macros: Macro[]): void
  onClose(): void
}

interface Draft {
  id: string
  label: string
  color: string
  kind: MacroKind
  value: string
  /** Where its keys go; undefined: wherever the macro pad's go. */
  to: Target | undefined
}

const HINT: Record<MacroKind, string> = {
  chord: 'e.g. Cmd+C, Ctrl+Shift+T, Enter',
  text: 'the text to type',
  sequence: 'steps separated by spaces, e.g. Cmd+T h i Enter',
}

const toDraft = (macro: Macro): Draft => ({
  id: macro.id,
  label: macro.label,
  color: macro.color,
  kind: macro.action.kind,
  value:
    macro.action.kind === 'chord'
      ? macro.action.chord
      : macro.action.kind === 'text'
        ? macro.action.text
        : macro.action.steps.join(' '),
  to: macro.to,
})

function toAction(draft: Draft): MacroAction {
  switch (draft.kind) {
    case 'chord':
      return { kind: 'chord', chord: draft.value.trim() }
    case 'text':
      return { kind: 'text', text: draft.value }
    case 'sequence':
      return { kind: 'sequence', steps: parseSteps(draft.value) }
  }
}

const newDraft = (): Draft => ({
  id: `m${Date.now().toString(36)}`,
  label: '',
  color: '#2f6fde',
  kind: 'chord',
  value: '',
  to: undefined,
})

/** Add, edit and delete macros on the phone; every change is checked before it is kept. */
export default function MacroEditor({ macros, peers, onChange, onClose }: MacroEditorProps) {
  const [draft, setDraft] = useState<Draft | undefined>()
  const [error, setError] = useState<string | undefined>()
  // A delete asks first: the macro and its steps are gone for good once confirmed.
  const [deleting, setDeleting] = useState<string | undefined>()
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d))

  if (draft) {
    return (
      <form
        className="macro-editor"
        aria-label="Edit macro"
        onSubmit={(event) => {
          event.preventDefault()
          const parsed = parseMacro({
            id: draft.id,
            label: draft.label,
            color: draft.color,
            action: toAction(draft),
            ...(draft.to ? { to: draft.to } : {}),
          })
          if (!parsed.ok) {
            setError(parsed.error.message)
            return
          }
          onChange(upsertMacro(macros, parsed.value))
          setDraft(undefined)
          setError(undefined)
        }}
      >
        <label>
          Label
          <input value={draft.label} maxLength={24} onChange={(e) => set({ label: e.currentTarget.value })} />
        </label>
        <label>
          Colour
          <input type="color" value={draft.color} onChange={(e) => set({ color: e.currentTarget.value })} />
        </label>
        <label>
          Kind
          <select value={draft.kind} onChange={(e) => set({ kind: e.currentTarget.value as MacroKind })}>
            <option value="chord">Chord</option>
            <option value="text">Text</option>
            <option value="sequence">Key sequence</option>
          </select>
        </label>
        <label>
          {draft.kind === 'text' ? 'Text' : draft.kind === 'chord' ? 'Chord' : 'Steps'}
          <input
            value={draft.value}
            placeholder={HINT[draft.kind]}
            autoCapitalize="off"
            spellCheck={false}
            onChange={(e) => set({ value: e.currentTarget.value })}
          />
        </label>
        <p className="hint">{HINT[draft.kind]}</p>
        <label>
          Sends to
          <select value={draft.to ?? ''} onChange={(e) => set({ to: parseTarget(e.currentTarget.value) })}>
            <option value="">Where the macro pad sends</option>
            {targetChoices(peers, draft.to).map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {error ? (
          <p className="problem" role="alert">
            {error}
          </p>
        ) : null}
        <div className="buttons">
          <button type="submit" className="action">
            Save macro
          </button>
          <button type="button" className="action secondary" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
        </div>
      </form>
    )
  }

  return (
    <div className="macro-editor">
      <ul className="macro-list">
        {macros.map((macro) => (
          <li key={macro.id}>
            <span className="swatch" style={{ background: macro.color }} aria-hidden="true" />
            <span className="macro-label">{macro.label}</span>
            <button type="button" className="action secondary" onClick={() => setDraft(toDraft(macro))}>
              Edit {macro.label}
            </button>
            {deleting === macro.id ? (
              <span className="confirm-delete">
                Delete {macro.label}?{' '}
                <button
                  type="button"
                  className="action danger"
                  onClick={() => {
                    setDeleting(undefined)
                    onChange(removeMacro(macros, macro.id))
                  }}
                >
                  Yes, delete {macro.label}
                </button>
                <button type="button" className="action secondary" onClick={() => setDeleting(undefined)}>
                  Keep {macro.label}
                </button>
              </span>
            ) : (
              <button type="button" className="action secondary" onClick={() => setDeleting(macro.id)}>
                Delete {macro.label}
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="buttons">
        <button type="button" className="action" onClick={() => setDraft(newDraft())}>
          New macro
        </button>
        <button type="button" className="action secondary" onClick={onClose}>
          Done
        </button>
      </div>
    </div>
  )
}
