import {
  isModifier,
  type KeyAction,
  type Permissions,
  type PointerAction,
  parseChordText,
} from '@keyroom/key-events'

/** ShiftLeft and ShiftRight are one modifier for a forbidden chord. */
const side = (code: string) => code.replace(/(Left|Right)$/, '')
const chordKey = (modifiers: readonly string[], code: string) =>
  `${[...new Set(modifiers.map(side))].sort().join('+')}+${code}`

/**
 * Checks one sender's key actions against its permissions. It follows which modifiers the sender holds, so a
 * forbidden chord is refused whether it comes as a `chord` or as modifier downs and a key tap.
 */
export function createPermissionCheck() {
  const held = new Set<string>()
  return (action: KeyAction | PointerAction, permissions: Permissions | undefined): string | undefined => {
    const isRelease =
      action.type === 'release-all' ||
      ((action.type === 'key' || action.type === 'button') && action.phase === 'up')
    if (isRelease || action.type === 'renew') {
      if (action.type === 'release-all') held.clear()
      else if (action.type === 'key') held.delete(action.code)
      return undefined
    }
    const p = permissions ?? {}
    if (p.viewOnly) return 'this device is view-only here'
    const kind =
      action.type === 'move' || action.type === 'scroll' || action.type === 'button' ? 'pointer' : action.type
    if (p.actions && !p.actions.includes(kind)) return `${kind} is not allowed for this device`
    const keys =
      action.type === 'key'
        ? [action.code]
        : action.type === 'chord'
          ? [...action.modifiers, action.code]
          : []
    const notAllowed = p.keys ? keys.find((k) => !p.keys?.includes(k)) : undefined
    if (notAllowed) return `${notAllowed} is not in this device's allowed keys`
    if (p.forbiddenChords && (action.type === 'chord' || action.type === 'key')) {
      const modifiers = action.type === 'chord' ? action.modifiers : [...held]
      const attempted = chordKey(modifiers, action.code)
      const forbidden = p.forbiddenChords.find((text) => {
        const chord = parseChordText(text)
        return (
          chord.ok &&
          chord.value.modifiers.length > 0 &&
          chordKey(chord.value.modifiers, chord.value.code) === attempted
        )
      })
      if (forbidden && modifiers.length > 0) return `${forbidden} is a forbidden chord for this device`
    }
    if (action.type === 'key' && action.phase === 'down' && isModifier(action.code)) held.add(action.code)
    return undefined
  }
}
