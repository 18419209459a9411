import type { Capabilities, Role } from '@keyroom/key-events'
import { normalizeFingerprint } from './fingerprint-text.js'

/**
 * What a receiver is, as a user picks "where keys go": a computer that types (the Mac receiver, or it on Linux),
 * a Pi's pins, a Pi acting as a USB keyboard. A Pi with a HID gadget is both of its kinds.
 */
export type DeviceKind = 'computer' | 'pins' | 'usb-keyboard'
export const DEVICE_KINDS: readonly DeviceKind[] = ['computer', 'pins', 'usb-keyboard']

/**
 * Where an action goes: every trusted receiver (`all`), every one of a kind, or one device by its fingerprint.
 * A string, so one spelling serves storage, a `<select>`'s value and the CLI's `--to`.
 */
export type Target = 'all' | `kind:${DeviceKind}` | `device:${string}`

/** The kinds a receiver is, from what it says of itself; none for a keypad. */
export function deviceKinds(peer: { role: Role; caps: Pick<Capabilities, 'hid'> }): DeviceKind[] {
  if (peer.role === 'mac-receiver') return ['computer']
  if (peer.role === 'pi-agent') return peer.caps.hid ? ['pins', 'usb-keyboard'] : ['pins']
  return []
}

export function targetMatches(
  target: Target,
  peer: { role: Role; caps: Pick<Capabilities, 'hid'>; fingerprint: string },
): boolean {
  if (target === 'all') return true
  if (target.startsWith('kind:')) return deviceKinds(peer).includes(target.slice(5) as DeviceKind)
  return peer.fingerprint === target.slice(7)
}

/** A stored or typed target, checked (storage and argv are untrusted); undefined if it is not one. */
export function parseTarget(value: unknown): Target | undefined {
  if (value === 'all') return 'all'
  if (typeof value !== 'string') return undefined
  if (value.startsWith('kind:')) {
    const kind = DEVICE_KINDS.find((k) => k === value.slice(5))
    return kind ? `kind:${kind}` : undefined
  }
  if (value.startsWith('device:')) {
    const fingerprint = normalizeFingerprint(value.slice(7))
    return fingerprint ? `device:${fingerprint}` : undefined
  }
  return undefined
}

const KIND_WORDS: Record<DeviceKind, string> = {
  computer: 'computer',
  pins: 'Pi pins receiver',
  'usb-keyboard': 'USB keyboard (Pi)',
}

/** Why an action went nowhere: no receiver of `target` (that drives a pointer, for a pointer action) is here. */
export function nobodyThere(target: Target, pointer: boolean): string {
  const driving = pointer ? ' that drives a pointer' : ''
  if (target.startsWith('device:'))
    return `the chosen receiver ${target.slice(7)}${driving} is not in the room (yet)`
  const what = target === 'all' ? 'receiver' : KIND_WORDS[target.slice(5) as DeviceKind]
  return `no ${what} of this device${driving} is in the room (yet)`
}
