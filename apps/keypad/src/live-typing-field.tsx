import type { KeyAction } from '@keyroom/key-events'
import { type FormEvent, type KeyboardEvent, useRef } from 'react'
import { typingDiff } from './live-typing.js'

const tap = (code: 'Backspace' | 'Enter'): KeyAction => ({ type: 'key', code, phase: 'tap' })

/**
 * Live typing: what the phone's own keyboard does to this field goes out as it happens. Phone keyboards (Gboard,
 * iOS) send keyCode 229 and composition events rather than key events, so the field's text after every input
 * event (composition updates included) is compared with what was sent, and the difference is typed. Enter sends
 * Enter and starts a new line; Backspace on an empty field still deletes on the receiver.
 */
export default function LiveTypingField({ onActions }: { onActions(actions: KeyAction[]): void }) {
  const sent = useRef('')
  // A Backspace on the empty field seen as a key press, so the beforeinput that may follow does not send another.
  const emptyBackspace = useRef(false)
  const onInput = (event: FormEvent<HTMLInputElement>) => {
    const now = event.currentTarget.value
    const actions = typingDiff(sent.current, now)
    sent.current = now
    if (actions.length > 0) onActions(actions)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.nativeEvent.isComposing) {
      event.preventDefault()
      event.currentTarget.value = ''
      sent.current = ''
      onActions([tap('Enter')])
    } else if (event.key === 'Backspace' && event.currentTarget.value === '') {
      emptyBackspace.current = true
      onActions([tap('Backspace')])
    }
  }
  return (
    <input
      type="text"
      className="live-typing"
      aria-label="Live typing"
      placeholder="Type here: it goes out as you type"
      autoComplete="off"
      enterKeyHint="send"
      onInput={onInput}
      onKeyDown={onKeyDown}
      onBeforeInput={(event) => {
        const native = event.nativeEvent as InputEvent
        // Phone keyboards' Backspace on an empty field: no key event, only this, and no input event after it.
        if (native.inputType === 'deleteContentBackward' && event.currentTarget.value === '') {
          if (!emptyBackspace.current) onActions([tap('Backspace')])
        }
        emptyBackspace.current = false
      }}
    />
  )
}
