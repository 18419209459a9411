import type { DevicePeer as Peer } from '@keyroom/room-client'

/** The part of the session this needs. */
export interface PeerSource {
  subscribe(listener: () => void): () => void
  getSnapshot(): { peers: readonly Peer[] }
}

/**
 * Calls `joined` for every device (not a keypad) that appears in the room: a new one, or one back under a new id
 * (a receiver restarted: its presence is a new session). Devices already there when it starts count as known.
 */
export function followDeviceJoins(session: PeerSource, joined: (peer: Peer) => void): () => void {
  const devices = () => session.getSnapshot().peers.filter((peer) => peer.role !== 'keypad')
  let known = new Set(devices().map((peer) => peer.id))
  return session.subscribe(() => {
    const now = devices()
    for (const peer of now) if (!known.has(peer.id)) joined(peer)
    known = new Set(now.map((peer) => peer.id))
  })
}
