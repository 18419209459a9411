import { parseTarget, type Target } from '@keyroom/room-client'
import { targetChoices, worthChoosing } from './target-choices.js'

interface TargetPickerProps {
  label: string
  peers: Parameters<typeof targetChoices>[0]
  value: Target
  onChange(target: Target): void
}

/** "Sends to: All receivers ▾": where this layout's keys go, shown once there is more than one place to send. */
export function TargetPicker({ label, peers, value, onChange }: TargetPickerProps) {
  const choices = targetChoices(peers, value)
  if (!worthChoosing(choices, value)) return null
  return (
    <label className="target-picker">
      {label}{' '}
      <select
        value={value}
        onChange={(e) => {
          const next = parseTarget(e.currentTarget.value)
          if (next) onChange(next)
        }}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  )
}
