import type { KeyCode } from '@keyroom/key-events'
import { type DevicePeer as Peer, type Target, targetMatches } from '@keyroom/room-client'

/** Why a key may not work: which devices in the room cannot press it, and whether any device can. */
export interface Unavailable {
  /** No device that injects keys can press it: the key is greyed out. */
  none: boolean
  /** For the key's title: "Pause: studio (linux) cannot press this key". */
  text: string
}

/**
 * The keys some injecting device the keys go to (`to`) announced it cannot press (`caps.cannot`). A key is greyed
 * out only when none of them can press it; it can still be pressed, and the receiver's refusal comes back as a notice.
 */
export function unavailableKeys(peers: readonly Peer[], to: Target = 'all'): Map<KeyCode, Unavailable> {
  const targets = peers.filter(
    (peer) => peer.caps.inject && peer.role !== 'keypad' && targetMatches(to, peer),
  )
  const refusedBy = new Map<KeyCode, string[]>()
  for (const peer of targets) {
    const label = peer.caps.platform ? `${peer.name} (${peer.caps.platform})` : peer.name
    for (const code of new Set(peer.caps.cannot ?? []))
      refusedBy.set(code, [...(refusedBy.get(code) ?? []), label])
  }
  const out = new Map<KeyCode, Unavailable>()
  for (const [code, names] of refusedBy) {
    const none = names.length === targets.length
    out.set(code, { none, text: `${code}: ${names.join(', ')} cannot press this key` })
  }
  return out
}
