import type { KeyCode } from '@keyroom/key-events'
import { KeyButton, type KeyHandlers } from './key-button.js'
import { type Layout, modifierOf } from './layouts.js'
import { type ModifierState, modeOf } from './modifiers.js'

interface KeyGridProps extends KeyHandlers {
  layout: Layout
  modifiers: ModifierState
  held: readonly KeyCode[]
}

export function KeyGrid({ layout, modifiers, held, onDown, onUp }: KeyGridProps) {
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
