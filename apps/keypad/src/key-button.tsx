import { type PointerEvent, useState } from 'react'
import type { Unavailable } from './capabilities.js'
import type { KeyDef } from './layouts.js'
import type { ModifierMode } from './modifiers.js'

export interface KeyHandlers {
  /** `timeStamp` is the pointer event's, so the press-to-send time can be measured from the touch. */
  onDown(pointerId: number, key: KeyDef, timeStamp: number): void
  onUp(pointerId: number): void
}

interface KeyButtonProps extends KeyHandlers {
  keyDef: KeyDef
  /** For modifiers: latched or locked. */
  mode?: ModifierMode | undefined
  isModifier: boolean
  held: boolean
  /** Some device in the room cannot press this key (greyed out when none can). */
  unavailable?: Unavailable | undefined
  /** A receiver's notice about this key shows now. */
  notice?: boolean
}

/** Pointer ids are small integers; a keyboard or screen-reader activation uses its own. */
const ASSISTIVE_POINTER = -1

/** One key: a real button named by its label; down on touch, up on lift, leave or cancel. */
export function KeyButton({
  keyDef,
  mode,
  isModifier,
  held,
  unavailable,
  notice,
  onDown,
  onUp,
}: KeyButtonProps) {
  const [pressed, setPressed] = useState(false)
  const down = (event: PointerEvent<HTMLButtonElement>) => {
    if (event.button !== 0) return
    onDown(event.pointerId, keyDef, event.timeStamp)
    // Touch pointers are captured by the key they started on; release so sliding off lets go of the key.
    if (event.currentTarget.hasPointerCapture(event.pointerId)) {
      event.currentTarget.releasePointerCapture(event.pointerId)
    }
    setPressed(true)
  }
  const up = (event: PointerEvent<HTMLButtonElement>) => {
    onUp(event.pointerId)
    setPressed(false)
  }
  const shown = keyDef.glyph ?? keyDef.label
  return (
    <button
      type="button"
      className={`${shown.length > 2 ? 'key long' : 'key'}${unavailable?.none ? ' unavailable' : ''}`}
      // The pop-up above a pressed key (styles.css), as phone keyboards show it: the finger hides the key itself.
      data-pop={!isModifier && shown.length <= 2 ? shown : undefined}
      title={unavailable?.text}
      aria-description={unavailable?.text}
      style={keyDef.width ? { flexGrow: keyDef.width } : undefined}
      aria-label={keyDef.glyph ? keyDef.label : undefined}
      aria-pressed={isModifier ? mode !== undefined : undefined}
      data-mode={mode}
      data-active={pressed || held || undefined}
      data-notice={notice || undefined}
      onPointerDown={down}
      onPointerUp={up}
      onPointerLeave={up}
      onPointerCancel={up}
      onContextMenu={(event) => event.preventDefault()}
      onClick={(event) => {
        // detail 0: Enter/Space or a screen reader's activation, which has no pointer down/up of its own.
        if (event.detail !== 0) return
        onDown(ASSISTIVE_POINTER, keyDef, event.timeStamp)
        onUp(ASSISTIVE_POINTER)
      }}
    >
      {shown}
      {mode === 'locked' ? <span className="lock-dot" aria-hidden="true" /> : null}
    </button>
  )
}
