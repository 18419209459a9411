import { type DeviceKind, deviceKinds, type Target } from '@keyroom/room-client'

/** One entry of a "Sends to" menu. */
export interface TargetChoice {
  value: Target
  label: string
}

const KIND_LABELS: Record<DeviceKind, string> = {
  computer: 'Computers',
  pins: 'Pi pins',
  'usb-keyboard': 'USB keyboards (Pi)',
}

interface Receiver {
  role: Parameters<typeof deviceKinds>[0]['role']
  caps: Parameters<typeof deviceKinds>[0]['caps']
  name: string
  fingerprint: string
  trusted: boolean
}

/**
 * Where keys can go, from the receivers this phone trusts in the room: all of them, each kind present, each one by
 * name (with its fingerprint's first group where two share a name, so they can be told apart). The current choice
 * is kept in the menu when nothing in the room matches it, marked so.
 */
export function targetChoices(peers: readonly Receiver[], current: Target | undefined): TargetChoice[] {
  const receivers = peers.filter((p) => p.trusted && p.role !== 'keypad')
  const kinds = [...new Set(receivers.flatMap(deviceKinds))]
  const shared = (name: string) => receivers.filter((r) => r.name === name).length > 1
  const choices: TargetChoice[] = [
    { value: 'all', label: 'All receivers' },
    ...kinds.map((kind): TargetChoice => ({ value: `kind:${kind}`, label: KIND_LABELS[kind] })),
    ...receivers.map(
      (r): TargetChoice => ({
        value: `device:${r.fingerprint}`,
        label: shared(r.name) ? `${r.name} · ${r.fingerprint.slice(0, 4)}` : r.name,
      }),
    ),
  ]
  if (current && !choices.some((c) => c.value === current)) choices.push(absent(current))
  return choices
}

function absent(target: Target): TargetChoice {
  if (target.startsWith('kind:'))
    return { value: target, label: `${KIND_LABELS[target.slice(5) as DeviceKind]} (none here)` }
  return { value: target, label: `Device ${target.slice(7, 11)}… (not here)` }
}

/** Whether a menu is worth showing: more than one receiver to choose between, or a choice already made. */
export const worthChoosing = (choices: readonly TargetChoice[], current: Target) =>
  current !== 'all' || choices.filter((c) => c.value.startsWith('device:')).length > 1
