import type { DevicePeer, ManageRequest } from '@keyroom/room-client'
import { useEffect } from 'react'

interface DevicesPanelProps {
  /** Receivers in the room that made this phone an admin (status.admin). */
  admins: readonly DevicePeer[]
  /** Asks a receiver (its session id) to list, approve or revoke; the answer arrives as that peer's `devices`. */
  onManage(peer: string, request: ManageRequest): void
}

/**
 * An admin phone's view of each receiver's devices, with approve and revoke (issue 12: "from the keypad, a device
 * marked admin can see pending devices and approve or revoke them"). The receiver decides; this only asks.
 */
export function DevicesPanel({ admins, onManage }: DevicesPanelProps) {
  const ids = admins.map((peer) => peer.id).join(' ')
  // Ask each receiver for its list once it made this phone admin (and again after a reconnect: a new session id).
  useEffect(() => {
    for (const id of ids.split(' ')) if (id) onManage(id, { op: 'list' })
  }, [ids, onManage])
  if (admins.length === 0) return null
  return (
    <>
      {admins.map((peer) => (
        <section key={peer.id} aria-label={`Devices on ${peer.name}`} className="devices-admin">
          <h2>Devices on {peer.name}</h2>
          <button
            type="button"
            className="action secondary"
            onClick={() => onManage(peer.id, { op: 'list' })}
          >
            Refresh
          </button>
          {peer.devices === undefined ? <p className="hint">Asking {peer.name}…</p> : null}
          <ul>
            {(peer.devices ?? []).map((device) => (
              <li key={device.fingerprint} data-testid="managed-device">
                <strong>{device.name}</strong> <span className="role">{device.role}</span>{' '}
                <code>{device.fingerprint}</code>{' '}
                <span data-testid="managed-state">
                  {device.state}
                  {device.state === 'pending' && device.code ? ` (code ${device.code})` : ''}
                  {device.admin ? ', admin' : ''}
                </span>{' '}
                {device.state !== 'approved' ? (
                  <button
                    type="button"
                    className="action"
                    aria-label={`Approve ${device.name}`}
                    onClick={() => onManage(peer.id, { op: 'approve', fingerprint: device.fingerprint })}
                  >
                    Approve
                  </button>
                ) : null}
                {device.state !== 'revoked' ? (
                  <button
                    type="button"
                    className="action secondary"
                    aria-label={`Revoke ${device.name}`}
                    onClick={() => onManage(peer.id, { op: 'revoke', fingerprint: device.fingerprint })}
                  >
                    Revoke
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  )
}
