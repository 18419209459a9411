import type { DeviceLink, DevicePeer, ManageRequest } from '@keyroom/room-client'
import { lazy, Suspense, useState } from 'react'
import type { DeviceConnector } from './device-connection.js'
import { DevicesPanel } from './devices-panel.js'
import type { StoredRoom } from './pairing.js'
import type { Settings } from './settings.js'

/** Where this phone's identity key lives (device-identity.ts), in words. */
const KEPT_AS: Record<DeviceConnector['keptAs'], string> = {
  wrapped: 'key kept encrypted in this browser',
  plain: 'key kept unencrypted (plain http has no WebCrypto)',
  memory: 'key kept in memory only: this browser refuses storage, so each visit is a new device',
}

const QrCode = lazy(() => import('./qr-code.js'))
const QrScanner = lazy(() => import('./qr-scanner.js'))

interface PairingPanelProps {
  rooms: readonly StoredRoom[]
  active: DeviceLink | undefined
  settings: Settings
  /** A pairing link pasted or scanned; returns an error message when it is not one. */
  onLink(text: string): string | undefined
  onSwitch(room: StoredRoom): void
  onForget(room: StoredRoom): void
  onSettings(settings: Settings): void
  /** What this keypad runs: shown so a person can tell which code they trust. */
  build: { version: string; build: string }
  /** This phone's identity, once loaded. */
  phone?: DeviceConnector | undefined
  /** Receivers that made this phone their admin: their devices are listed here to approve or revoke. */
  admins: readonly DevicePeer[]
  onManage(peer: string, request: ManageRequest): void
}

/** Rooms this phone knows, its own link as a QR code, a QR scanner, and preferences. */
export function PairingPanel(props: PairingPanelProps) {
  const { rooms, active, settings } = props
  const [showQr, setShowQr] = useState(false)
  const [scanning, setScanning] = useState(false)
  const [pasted, setPasted] = useState('')
  const [error, setError] = useState<string | undefined>()
  const submitLink = (text: string) => {
    const problem = props.onLink(text)
    setError(problem)
    if (!problem) setPasted('')
  }
  return (
    <section className="panel" aria-label="Pairing">
      <h2>Rooms</h2>
      {rooms.length === 0 ? <p>Open a pairing link or scan its QR code to pair.</p> : null}
      <ul className="rooms">
        {rooms.map((room) => (
          <li key={room.room} aria-current={active?.room === room.room ? 'true' : undefined}>
            <span className="room-label">{room.label}</span>
            {active?.room === room.room ? (
              <span className="current">in use</span>
            ) : (
              <button type="button" className="action secondary" onClick={() => props.onSwitch(room)}>
                Use {room.label}
              </button>
            )}
            <button type="button" className="action secondary" onClick={() => props.onForget(room)}>
              Forget {room.label}
            </button>
          </li>
        ))}
      </ul>
      <div className="buttons">
        {active ? (
          <button type="button" className="action" onClick={() => setShowQr((v) => !v)}>
            {showQr ? 'Hide QR code' : 'Show QR code'}
          </button>
        ) : null}
        <button type="button" className="action" onClick={() => setScanning((v) => !v)}>
          {scanning ? 'Stop scanning' : 'Scan QR code'}
        </button>
      </div>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {showQr && active ? <QrCode link={active} keypadUrl={location.origin + location.pathname} /> : null}
        {scanning ? (
          <QrScanner
            onResult={(text) => {
              setScanning(false)
              submitLink(text)
            }}
            onClose={() => setScanning(false)}
          />
        ) : null}
      </Suspense>
      <form
        className="text-field"
        onSubmit={(event) => {
          event.preventDefault()
          submitLink(pasted)
        }}
      >
        <input
          aria-label="Pairing link"
          placeholder="Paste a pairing link"
          value={pasted}
          onChange={(e) => setPasted(e.currentTarget.value)}
        />
        <button type="submit" className="action">
          Pair
        </button>
      </form>
      {error ? (
        <p className="problem" role="alert">
          {error}
        </p>
      ) : null}
      <DevicesPanel admins={props.admins} onManage={props.onManage} />
      <h2>This phone</h2>
      <label className="setting">
        Name
        <input
          value={settings.name}
          maxLength={64}
          onChange={(e) => props.onSettings({ ...settings, name: e.currentTarget.value })}
        />
      </label>
      <label className="setting">
        <input
          type="checkbox"
          checked={settings.sound}
          onChange={(e) => props.onSettings({ ...settings, sound: e.currentTarget.checked })}
        />
        Click sound
      </label>
      <p className="hint">
        Fingerprint{' '}
        <code data-testid="phone-fingerprint">{props.phone?.fingerprint ?? 'making its key…'}</code>
        {props.phone ? <span data-testid="phone-key-kept"> · {KEPT_AS[props.phone.keptAs]}</span> : null}
      </p>
      <p className="hint" data-testid="build-info">
        keyroom keypad {props.build.version}, build {props.build.build}
      </p>
    </section>
  )
}
