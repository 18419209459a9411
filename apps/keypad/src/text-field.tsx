import { useState } from 'react'

/** "Type text": sends a whole string at once. */
export function TextField({ onSend }: { onSend(text: string): void }) {
  const [text, setText] = useState('')
  return (
    <form
      className="text-field"
      onSubmit={(event) => {
        event.preventDefault()
        if (text.length === 0) return
        onSend(text)
        setText('')
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
        onChange={(event) => setText(event.currentTarget.value)}
      />
      <button type="submit" className="action">
        Send text
      </button>
    </form>
  )
}
