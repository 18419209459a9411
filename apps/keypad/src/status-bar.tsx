import type { SessionSnapshot } from './session.js'

const STATE_TEXT: Record<SessionSnapshot['state'], string> = {
  unpaired: 'Not paired',
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline',
}

/** Connection state, round-trip time and the devices in the room. */
export function StatusBar({ session }: { session: SessionSnapshot }) {
  const others = session.peers
  return (
    <section className="status" aria-label="Connection">
      <p className="status-line">
        <span className={`dot dot-${session.state}`} aria-hidden="true" />
        <span data-testid="connection-state">{STATE_TEXT[session.state]}</span>
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
            </li>
          ))}
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
