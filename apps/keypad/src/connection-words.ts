import type { DevicePeer as Peer } from '@keyroom/room-client'
import { hostOf } from './pairing.js'
import type { RelayDiagnosis } from './relay-diagnosis.js'
import type { SessionSnapshot } from './session.js'

export type Tone = 'ok' | 'busy' | 'bad' | 'idle'

/** What the status line says about the connection, in plain words, and the colour of its dot. */
export function describeConnection(
  session: Pick<SessionSnapshot, 'state' | 'link' | 'stalled'>,
  env: { online: boolean; diagnosis?: RelayDiagnosis | undefined },
): { tone: Tone; text: string } {
  if (session.state === 'unpaired' || !session.link) return { tone: 'idle', text: 'Not paired' }
  const host = hostOf(session.link.relay)
  if (!env.online) return { tone: 'bad', text: 'Offline: this phone has no network' }
  if (session.state === 'connected') {
    return session.stalled
      ? { tone: 'bad', text: `Link stalled: the relay at ${host} stopped answering, presses may not arrive` }
      : { tone: 'ok', text: 'Connected' }
  }
  const diagnosis = env.diagnosis
  if (diagnosis?.kind === 'unreachable') return { tone: 'bad', text: `Cannot reach the relay at ${host}` }
  if (diagnosis?.kind === 'refused')
    return { tone: 'bad', text: `The relay at ${host} refused this keypad: ${diagnosis.reason}` }
  return session.state === 'connecting'
    ? { tone: 'busy', text: `Connecting to ${host}…` }
    : { tone: 'bad', text: `Offline: lost the relay at ${host}, reconnecting` }
}

/**
 * What the room looks like from here: empty, devices the relay counts that never answered (a stale or wrong link),
 * or two receivers under one name. `undefined` when there is nothing to say.
 */
export function describeRoom(
  session: Pick<SessionSnapshot, 'state' | 'members' | 'peers'>,
  settled: boolean,
): string | undefined {
  if (session.state !== 'connected') return undefined
  const silent = Math.max(0, session.members - 1 - session.peers.length)
  if (session.peers.length === 0) {
    if (silent === 0) return 'No other device in this room yet'
    // Handshakes take a moment: only a count that stays unanswered means something.
    if (!settled) return undefined
    return `${silent === 1 ? '1 other device is' : `${silent} other devices are`} in this room but none answered: the link may be stale or wrong`
  }
  const twins = sameNames(session.peers)
  if (twins.length > 0)
    return (
      twins.map(([name, count]) => `${count} devices in this room are called "${name}"`).join('; ') +
      ': keys go to all of them. Rename one on its machine to tell them apart.'
    )
  return undefined
}

function sameNames(peers: readonly Peer[]): Array<[string, number]> {
  const counts = new Map<string, number>()
  // Keys go only to receivers this phone trusts (their keys came in links it opened).
  for (const peer of peers)
    if (peer.role !== 'keypad' && peer.trusted) counts.set(peer.name, (counts.get(peer.name) ?? 0) + 1)
  return [...counts].filter(([, count]) => count > 1)
}

/** The command that approves a device on a receiver of this role: its package's bin (mac-receiver, pi-agent). */
const APPROVE_ON: Record<Peer['role'], string> = {
  'mac-receiver': 'keyroom-receiver devices approve',
  'pi-agent': 'keyroom-pi devices approve',
  keypad: 'devices approve',
}

/** What a receiver decided about this phone, in words, with the code to type there while pending. */
export function describeVerdict(peer: Pick<Peer, 'role' | 'status' | 'code'>): {
  tone: Tone
  text: string
} {
  switch (peer.status?.state) {
    case 'approved':
      return { tone: 'ok', text: peer.status.admin ? 'approved (admin)' : 'approved' }
    case 'revoked':
      return { tone: 'bad', text: 'revoked: it no longer takes keys from this phone' }
    case 'pending':
      return {
        tone: 'busy',
        text: `pending: on it, run "${APPROVE_ON[peer.role]} ${peer.status.code ?? peer.code}"`,
      }
    case undefined:
      return { tone: 'busy', text: 'waiting for its answer' }
  }
}

/**
 * Why the keys do nothing, when they do nothing: no receiver this phone trusts is here, or none approved it yet.
 * `undefined` when at least one trusted receiver takes keys.
 */
export function whyKeysIdle(session: Pick<SessionSnapshot, 'state' | 'peers'>): string | undefined {
  if (session.state !== 'connected') return undefined
  const receivers = session.peers.filter((peer) => peer.trusted)
  if (receivers.some((peer) => peer.status?.state === 'approved')) return undefined
  if (receivers.length === 0) return "Keys do nothing yet: none of this room's receivers is here"
  if (receivers.every((peer) => peer.status?.state === 'revoked'))
    return 'Keys do nothing: every receiver here revoked this phone; pair again with a new link'
  return 'Keys do nothing yet: no receiver has approved this phone (see the code next to it)'
}
