import type { KeyAction } from '@keyroom/key-events'
import { lazy, Suspense, useState } from 'react'

// Loaded when switched on: most presses come from the keys, and the first load is tight.
const LiveTypingField = lazy(() => import('./live-typing-field.js'))

/** "Type text": sends a whole string at once; `onSend` says whether it went (the text is kept when not). */
export function TextField({
  onSend,
  onActions,
}: {
  onSend(text: string): boolean
  /** Live typing's keys and text, in order. */
  onActions(actions: KeyAction[]): void
}) {
  const [text, setText] = useState('')
  const [kept, setKept] = useState(false)
  const [live, setLive] = useState(false)
  const liveToggle = (
    <button type="button" className="action secondary" aria-pressed={live} onClick={() => setLive((v) => !v)}>
      Live
    </button>
  )
  if (live)
    return (
      <div className="text-field">
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <LiveTypingField onActions={onActions} />
        </Suspense>
        {liveToggle}
      </div>
    )
  return (
    <form
      className="text-field"
      onSubmit={(event) => {
        event.preventDefault()
        if (text.length === 0) return
        const sent = onSend(text)
        setKept(!sent)
        if (sent) setText('')
      }}
    >
      <input
        type="text"
        aria-label="Text to type"
        placeholder="Type text…"
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value)
          setKept(false)
        }}
      />
      {kept ? (
        <span className="hint" role="status">
          Not connected: the text is kept, send it again once connected.
        </span>
      ) : null}
      <button type="submit" className="action">
        Send text
      </button>
      {liveToggle}
    </form>
  )
}
