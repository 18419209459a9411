import type { SessionSnapshot } from './session.js'

const STATE_TEXT: Record<SessionSnapshot['state'], string> = {
  unpaired: 'Not paired',
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline',
}

/** Devices listed; more are counted, not drawn (room-client keeps at most MAX_PEERS). */
const MAX_LISTED = 12

/** Connection state, round-trip time, the devices in the room and whether the last press reached each. */
export function StatusBar({ session }: { session: SessionSnapshot }) {
  const others = session.peers.slice(0, MAX_LISTED)
  const hidden = session.peers.length - others.length
  const stalled = session.stalled && session.state === 'connected'
  return (
    <section className="status" aria-label="Connection">
      <p className="status-line">
        <span className={`dot dot-${stalled ? 'offline' : session.state}`} aria-hidden="true" />
        <span data-testid="connection-state">
          {stalled ? 'Link stalled: presses may not arrive' : STATE_TEXT[session.state]}
        </span>
        {session.rttMs !== undefined ? (
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
              {peer.rttMs !== undefined ? <span className="rtt"> {Math.round(peer.rttMs)} ms</span> : null}
              {peer.caps.blocked ? (
                <span className="blocked-reason"> blocked: {peer.caps.blocked}</span>
              ) : null}
              <DeliveryMark outcome={session.delivery[peer.id]} />
            </li>
          ))}
          {hidden > 0 ? <li className="device more">and {hidden} more</li> : null}
        </ul>
      ) : session.state === 'connected' ? (
        <p className="devices-empty">No other device in the room yet</p>
      ) : null}
      {session.problem ? (
        <p className="problem" role="status">
          {session.problem}
        </p>
      ) : null}
    </section>
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
      ✗ missed a press ({outcome.reason})
    </span>
  )
}
