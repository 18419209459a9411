import { useState } from 'react'
import { hostOf } from './pairing.js'

/** A room a link asks this keypad to join, with whatever the link lets us show about who is on the other end. */
export interface RoomOffer {
  relay: string
  room: string
  /** The room's fingerprint, when the link carries an identity (protocol v2). */
  roomFingerprint?: string | undefined
  /** The receiver the link introduces: its name and fingerprint, when the link carries them. */
  receiver?: { name?: string | undefined; fingerprint?: string | undefined } | undefined
  /** This phone's own fingerprint: the receiver's `devices list` shows it, so both ends can be compared. */
  phoneFingerprint?: string | undefined
  /** The room is the one in use: the link adds its receiver to it (a Mac and a Pi in one room). */
  adds?: boolean | undefined
}

interface JoinRoomDialogProps {
  offer: RoomOffer
  /** The room in use now, by its name: joining leaves it. */
  current?: string | undefined
  /** Joined, under the name the user gave it. */
  onJoin(label: string): void
  onCancel(): void
}

/** The link's relay is not where this page came from (the relay's CSP, connect-src 'self', blocks it). */
function otherRelay(relay: string): boolean {
  try {
    return new URL(relay).origin !== location.origin
  } catch {
    return true
  }
}

/**
 * Nothing from a URL is adopted without this: a page that navigates the keypad to its own link would otherwise get
 * everything typed next. Names the relay (and the fingerprints once links carry them) and lets the room be named.
 */
export function JoinRoomDialog({ offer, current, onJoin, onCancel }: JoinRoomDialogProps) {
  const [label, setLabel] = useState(hostOf(offer.relay))
  return (
    <section className="join-room" role="dialog" aria-modal="true" aria-labelledby="join-room-title">
      <h2 id="join-room-title">{offer.adds ? 'Add this receiver?' : 'Join this room?'}</h2>
      <p>
        A link asks this keypad to send its keys through the relay <strong>{hostOf(offer.relay)}</strong>.
        {current ? (
          <>
            {' '}
            Joining leaves <strong>{current}</strong>.
          </>
        ) : null}{' '}
        Join only if you opened this link yourself: whatever you type next goes to the devices in that room.
      </p>
      {otherRelay(offer.relay) ? (
        <p className="problem">
          This keypad was served by {location.host} and its security policy lets it connect only there: open
          the link from {hostOf(offer.relay)} instead, or it will not connect.
        </p>
      ) : null}
      <dl className="join-facts">
        <dt>Relay</dt>
        <dd data-testid="join-relay">{offer.relay}</dd>
        <dt>Room</dt>
        <dd>{offer.roomFingerprint ?? `${offer.room.slice(0, 12)}…`}</dd>
        {offer.receiver ? (
          <>
            <dt>Receiver</dt>
            <dd data-testid="join-receiver">
              {offer.receiver.name ?? 'unnamed'}
              {offer.receiver.fingerprint ? (
                <code data-testid="join-receiver-fingerprint"> {offer.receiver.fingerprint}</code>
              ) : null}
            </dd>
          </>
        ) : null}
        <dt>This phone</dt>
        <dd data-testid="join-phone-fingerprint">
          {offer.phoneFingerprint ? <code>{offer.phoneFingerprint}</code> : 'making its key…'}
        </dd>
      </dl>
      <label className="setting">
        Name this room
        <input value={label} maxLength={64} onChange={(e) => setLabel(e.currentTarget.value)} />
      </label>
      <div className="buttons">
        <button
          type="button"
          className="action"
          disabled={!offer.phoneFingerprint}
          onClick={() => onJoin(label.trim() || hostOf(offer.relay))}
        >
          {offer.adds ? 'Add receiver' : 'Join room'}
        </button>
        <button type="button" className="action secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  )
}
