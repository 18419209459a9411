/** Version of the sealed keyroom message format; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1

/** How long a held key stays down without a renewal before the receiver releases it. */
export const HOLD_LEASE_MS = 1500
/** How often a sender renews the keys it holds: three renewals fit in one lease. */
export const LEASE_RENEW_INTERVAL_MS = 500
/** A press older than this on arrival is dropped rather than typed late; releases are always honoured. */
export const MAX_EVENT_AGE_MS = 2000
/** A pointer move or scroll later than this is dropped: moving the pointer late (or in a burst) is worse than not. */
export const MAX_MOTION_AGE_MS = 250
/** Senders coalesce moves and scrolls into at most one of each per this interval (about 60 per second). */
export const MOTION_INTERVAL_MS = 16
/** Presence entries vanish after this long without any message from the device. */
export const PRESENCE_TIMEOUT_MS = 25_000
/** Devices say hello again this often so that presence survives lost messages. */
export const PRESENCE_INTERVAL_MS = 10_000

/** The most key codes one `renew` message carries. */
export const MAX_RENEW_CODES = 16

/** Longest text in one `text` action, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 512
/** Largest pointer move in one message, in screen points per axis. */
export const MAX_POINTER_DELTA = 2000
/** Largest scroll in one message, in pixels of content per axis. */
export const MAX_SCROLL_DELTA = 2000
/** Most sequence numbers one `receipt` carries (in `seqs`, and again in `lost`). */
export const MAX_RECEIPT_SEQS = 64
/** A receiver sends one receipt per sender at most this often, covering everything since the last. */
export const RECEIPT_INTERVAL_MS = 20
/** A sender counts an action as missing on a device that has not acknowledged it this long after it was sent. */
export const RECEIPT_TIMEOUT_MS = 1000
/** Longest device name. */
export const MAX_NAME_LENGTH = 64

/** The one relay event every sealed keyroom message travels in. */
export const KEYROOM_EVENT = 'keyroom'
