import { type HelloMessage, MAX_PEERS, PRESENCE_TIMEOUT_MS } from '@keyroom/key-events'
import type { Peer } from './types.js'

/**
 * Who is in the room, from their hellos; entries go on bye, on the relay's leave notice, or after silence. At most
 * MAX_PEERS: a hello from one more is refused (`full`), so a member inventing identities cannot grow it.
 */
export function createPresence() {
  const peers = new Map<string, Peer>()
  return {
    list: (): Peer[] => [...peers.values()],
    get: (id: string) => peers.get(id),
    /** Records a hello: `new` for a peer not known before, `full` (and not recorded) past MAX_PEERS. */
    hello(id: string, hello: HelloMessage, now: number): 'new' | 'known' | 'full' {
      const known = peers.get(id)
      if (!known && peers.size >= MAX_PEERS) return 'full'
      const peer: Peer = { id, role: hello.role, name: hello.name, caps: hello.caps, lastSeen: now }
      if (hello.sid !== undefined) peer.sid = hello.sid
      if (known?.rttMs !== undefined) peer.rttMs = known.rttMs
      peers.set(id, peer)
      return known === undefined ? 'new' : 'known'
    },
    seen(id: string, now: number): void {
      const peer = peers.get(id)
      if (peer) peer.lastSeen = now
    },
    rtt(id: string, rttMs: number): void {
      const peer = peers.get(id)
      if (peer) peer.rttMs = rttMs
    },
    remove(id: string): Peer | undefined {
      const peer = peers.get(id)
      peers.delete(id)
      return peer
    },
    removeBySocket(sid: string): Peer | undefined {
      const peer = [...peers.values()].find((p) => p.sid === sid)
      if (peer) peers.delete(peer.id)
      return peer
    },
    /** Removes and returns every peer silent for longer than PRESENCE_TIMEOUT_MS. */
    expire(now: number): Peer[] {
      const gone = [...peers.values()].filter((p) => now - p.lastSeen > PRESENCE_TIMEOUT_MS)
      for (const peer of gone) peers.delete(peer.id)
      return gone
    },
    clear(): Peer[] {
      const all = [...peers.values()]
      peers.clear()
      return all
    },
  }
}
