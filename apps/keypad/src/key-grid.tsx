import type { KeyCode } from '@keyroom/key-events'
import type { Unavailable } from './capabilities.js'
import { KeyButton, type KeyHandlers } from './key-button.js'
import { type Layout, modifierOf } from './layouts.js'
import { type ModifierState, modeOf } from './modifiers.js'

interface KeyGridProps extends KeyHandlers {
  layout: Layout
  modifiers: ModifierState
  held: readonly KeyCode[]
  /** Keys some device in the room cannot press. */
  unavailable?: ReadonlyMap<KeyCode, Unavailable>
  /** The key a receiver's notice is about, while the notice shows. */
  noticeKey?: string | undefined
}

export function KeyGrid({ layout, modifiers, held, unavailable, noticeKey, onDown, onUp }: KeyGridProps) {
  return (
    <div className={`grid grid-${layout.id}`}>
      {layout.rows.map((row, r) => (
        // Rows never reorder: the index is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: static layout rows
        <div className="row" key={r}>
          {row.map((key) => {
            const modifier = modifierOf(key)
            return (
              <KeyButton
                key={key.code}
                keyDef={key}
                isModifier={modifier !== undefined}
                mode={modifier ? modeOf(modifiers, modifier) : undefined}
                held={held.includes(key.code)}
                unavailable={unavailable?.get(key.code)}
                notice={noticeKey === key.code}
                onDown={onDown}
                onUp={onUp}
              />
            )
          })}
        </div>
      ))}
    </div>
  )
}
