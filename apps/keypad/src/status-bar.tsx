import { useEffect, useState, useSyncExternalStore } from 'react'
import { describeConnection, describeRoom, describeVerdict, whyKeysIdle } from './connection-words.js'
import { labelOf } from './layouts.js'
// Not a lazy chunk: it is needed exactly when the relay, which usually serves this page, cannot be reached, and a
// chunk the service worker has not cached yet would then fail to load.
import { diagnoseRelay, type RelayDiagnosis } from './relay-diagnosis.js'
import type { SessionSnapshot } from './session.js'

/** Devices listed; more are counted, not drawn (room-client keeps at most MAX_PEERS). */
const MAX_LISTED = 12
/** How long devices the relay counts may stay silent before the keypad calls the link stale. */
export const UNANSWERED_AFTER_MS = 3_000

const onOnlineChange = (listener: () => void) => {
  window.addEventListener('online', listener)
  window.addEventListener('offline', listener)
  return () => {
    window.removeEventListener('online', listener)
    window.removeEventListener('offline', listener)
  }
}
const isOnline = () => navigator.onLine

interface StatusBarProps {
  session: SessionSnapshot
  /** A device's notice about this phone's last message, while it is shown. */
  notice: SessionSnapshot['notice']
}

/** Connection state in plain words, round-trip time, the devices in the room and whether the last press reached each. */
export function StatusBar({ session, notice }: StatusBarProps) {
  const online = useSyncExternalStore(onOnlineChange, isOnline)
  const diagnosis = useRelayDiagnosis(session)
  const settled = useSettled(session)
  const connection = describeConnection(session, { online, diagnosis })
  const room = describeRoom(session, settled)
  // Round trips are shown only while they mean something: connected, answering, on a network.
  const live = connection.tone === 'ok'
  const others = session.peers.slice(0, MAX_LISTED)
  const hidden = session.peers.length - others.length
  const idle = whyKeysIdle(session)
  return (
    <section className="status" aria-label="Connection">
      <p className="status-line">
        <span className={`dot dot-${connection.tone}`} aria-hidden="true" />
        <span data-testid="connection-state">{connection.text}</span>
        {live && session.rttMs !== undefined ? (
          <span className="rtt" data-testid="latency">
            {Math.round(session.rttMs)} ms
          </span>
        ) : null}
      </p>
      {others.length > 0 ? (
        <ul className="devices" aria-label="Devices in the room">
          {others.map((peer) => (
            <li key={peer.id} className={peer.caps.blocked ? 'device blocked' : 'device'}>
              <strong>{peer.name}</strong> <span className="role">{peer.role}</span>
              {peer.caps.hid ? (
                <span className="hid"> USB keyboard, layout {peer.caps.hid.layout}</span>
              ) : null}
              {live && peer.rttMs !== undefined ? (
                <span className="rtt"> {Math.round(peer.rttMs)} ms</span>
              ) : null}
              {peer.caps.blocked ? (
                <span className="blocked-reason"> blocked: {peer.caps.blocked}</span>
              ) : null}
              {peer.trusted ? <Verdict peer={peer} /> : null}
              <DeliveryMark outcome={session.delivery[peer.id]} />
            </li>
          ))}
          {hidden > 0 ? <li className="device more">and {hidden} more</li> : null}
        </ul>
      ) : null}
      {room ? (
        <p className="devices-empty" data-testid="room-state">
          {room}
        </p>
      ) : null}
      {idle ? (
        <p className="problem" data-testid="keys-idle">
          {idle}
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status" data-testid="notice">
          {notice.key ? <strong>{labelOf(notice.key)}: </strong> : null}
          {notice.text}
        </p>
      ) : null}
      {session.problem ? (
        <p className="problem" role="status">
          {session.problem}
        </p>
      ) : null}
    </section>
  )
}

/** Once the socket failed, asks the relay directly why (unreachable, or refused with its reason). */
function useRelayDiagnosis(session: SessionSnapshot): RelayDiagnosis | undefined {
  const [diagnosis, setDiagnosis] = useState<RelayDiagnosis | undefined>()
  const failing = session.state !== 'connected' && session.connectError !== undefined
  const relay = session.link?.relay
  useEffect(() => {
    setDiagnosis(undefined)
    if (!failing || !relay) return
    let live = true
    void diagnoseRelay(relay).then((found) => live && setDiagnosis(found))
    return () => {
      live = false
    }
  }, [failing, relay])
  return diagnosis
}

/** True once the room's member count has stood unanswered for UNANSWERED_AFTER_MS. */
function useSettled(session: SessionSnapshot): boolean {
  const [settled, setSettled] = useState(false)
  const waiting = session.state === 'connected' && session.members > 1 && session.peers.length === 0
  useEffect(() => {
    setSettled(false)
    if (!waiting) return
    const timer = setTimeout(() => setSettled(true), UNANSWERED_AFTER_MS)
    return () => clearTimeout(timer)
  }, [waiting])
  return settled
}

/** room-client's reasons, in words. */
const MISSED_WHY: Record<string, string> = {
  'no receipt': 'no answer',
  stale: 'it arrived too late',
  'clock-skew': 'the clocks disagree',
  unverified: 'it did not know this phone yet',
  replayed: 'it looked like a replay',
  'rate-limited': 'too many presses at once',
}

function Verdict({ peer }: { peer: SessionSnapshot['peers'][number] }) {
  const verdict = describeVerdict(peer)
  return (
    <span className={`verdict verdict-${verdict.tone}`} data-testid="verdict">
      {' '}
      {verdict.text}
    </span>
  )
}

function DeliveryMark({ outcome }: { outcome: SessionSnapshot['delivery'][string] | undefined }) {
  if (!outcome) return null
  return outcome.ok ? (
    <span className="delivered" data-testid="delivered">
      {' '}
      ✓ got the last press
    </span>
  ) : (
    <span className="missed" data-testid="missed" role="status">
      {' '}
      ✗ missed a press ({MISSED_WHY[outcome.reason] ?? outcome.reason})
    </span>
  )
}
