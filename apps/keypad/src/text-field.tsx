import { useState } from 'react'

/** "Type text": sends a whole string at once; `onSend` says whether it went (the text is kept when not). */
export function TextField({ onSend }: { onSend(text: string): boolean }) {
  const [text, setText] = useState('')
  const [kept, setKept] = useState(false)
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
    </form>
  )
}
