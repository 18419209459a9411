import { z } from 'zod/mini'
import { base64urlChars, MAC_BYTES } from './cipher-sizes.js'
import { DeviceName } from './device-name.js'
import { KeyCode, ModifierCode } from './key-codes.js'
import type { MoveAction, PointerAction, ScrollAction } from './pointer.js'
import { PointerButton, pointerActionOptions } from './pointer.js'
import { MAX_RECEIPT_SEQS, MAX_RENEW_CODES, MAX_TEXT_LENGTH, PROTOCOL_VERSION } from './protocol.js'
import { parseWith, type Result } from './result.js'

/** A random id per device session (base64url, 8 to 43 characters). */
export const SenderId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{8,43}$/, 'must be 8-43 base64url characters'))
export type SenderId = z.infer<typeof SenderId>

/** 16 random bytes, base64url. */
export const Challenge = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'must be 22 base64url characters'))

export const KeyPhase = z.enum(['down', 'up', 'tap'])
export type KeyPhase = z.infer<typeof KeyPhase>

/** Press, hold (`down`), release (`up`) or press-and-release (`tap`) one key. */
export const KeyActionSchema = z.object({ type: z.literal('key'), code: KeyCode, phase: KeyPhase })
/** Modifiers down in order, the key tapped, modifiers up in reverse: Cmd+Shift+4. */
export const ChordAction = z.object({
  type: z.literal('chord'),
  modifiers: z.array(ModifierCode).check(
    z.minLength(1),
    z.maxLength(4),
    z.refine((m) => new Set(m).size === m.length, 'modifiers must not repeat'),
  ),
  code: KeyCode,
})
/** Type a Unicode string. */
export const TextAction = z.object({
  type: z.literal('text'),
  text: z.string().check(z.minLength(1), z.maxLength(MAX_TEXT_LENGTH)),
})
/** The sender still holds these keys and mouse buttons: extend their leases. */
export const RenewAction = z
  .object({
    type: z.literal('renew'),
    codes: z.array(KeyCode).check(z.maxLength(MAX_RENEW_CODES)),
    buttons: z.optional(
      z.array(PointerButton).check(
        z.maxLength(3),
        z.refine((b) => new Set(b).size === b.length, 'buttons must not repeat'),
      ),
    ),
  })
  .check(
    z.refine(
      (r) => r.codes.length > 0 || (r.buttons?.length ?? 0) > 0,
      'a renew must name at least one key code or button',
    ),
  )
/** Release every key and mouse button this sender holds. */
export const ReleaseAllAction = z.object({ type: z.literal('release-all') })

const keyActionOptions = [KeyActionSchema, ChordAction, TextAction, RenewAction, ReleaseAllAction] as const
export const KeyAction = z.discriminatedUnion('type', [...keyActionOptions])
export type KeyAction = z.infer<typeof KeyAction>

export const Role = z.enum(['keypad', 'mac-receiver', 'pi-agent'])
export type Role = z.infer<typeof Role>

/** What a device can do, so a keypad can show it. */
export const Capabilities = z.object({
  /** Can turn key actions into real key presses or pin changes. */
  inject: z._default(z.boolean(), false),
  /** `darwin`, `linux`, `win32`, `browser`… */
  platform: z.optional(z.string().check(z.maxLength(32))),
  /** Why the device cannot act right now (missing Accessibility permission, Secure Input). */
  blocked: z.optional(z.string().check(z.maxLength(200))),
  /** Can move the pointer and press mouse buttons (absent: cannot). */
  pointer: z.optional(z.boolean()),
  /**
   * A USB keyboard (a Pi's HID gadget): it types into the computer it is plugged into, whatever runs there, as key
   * positions; `layout` is the target layout its text is typed for (`us`, or a layout file's name).
   */
  hid: z.optional(z.object({ layout: z.string().check(z.minLength(1), z.maxLength(32)) })),
  /** Keys the device reacts to; absent means all. */
  keys: z.optional(z.array(KeyCode).check(z.maxLength(256))),
  /** Acknowledges every key and pointer action it gets with a `receipt` to its sender (absent: does not). */
  receipts: z.optional(z.boolean()),
  /** Keys the device cannot press on its platform (a press of one is refused with a notice); absent: none. */
  cannot: z.optional(z.array(KeyCode).check(z.maxLength(256))),
})
export type Capabilities = z.infer<typeof Capabilities>

/** A device says who it is: on join, on every (re)connect and every presence interval. */
export const HelloMessage = z.object({
  type: z.literal('hello'),
  role: Role,
  name: DeviceName,
  caps: Capabilities,
  /** The relay socket id this device currently has, so peers can match the relay's leave notices. */
  sid: z.optional(z.string().check(z.maxLength(64))),
  /**
   * A fresh random value (sent on every join and re-join): whoever hears it says hello back with it as `answer`.
   * Until a peer has answered our current challenge, nothing else it sends is accepted: that is what proves its
   * messages are live and not replayed from an earlier session.
   */
  challenge: z.optional(Challenge),
  /** The `challenge` of the hello this one answers. */
  answer: z.optional(Challenge),
})
/** A device leaves on purpose. */
export const ByeMessage = z.object({ type: z.literal('bye') })
/** Asks every device in the room to answer with a `pong` carrying the same `id`. */
export const PingMessage = z.object({ type: z.literal('ping'), id: z.int().check(z.nonnegative()) })
/** Answers a ping from `to`. */
export const PongMessage = z.object({
  type: z.literal('pong'),
  id: z.int().check(z.nonnegative()),
  to: SenderId,
})
/** A device tells the room that it could not carry out an action (unknown key on this platform, blocked). */
export const NoticeMessage = z.object({
  type: z.literal('notice'),
  level: z.enum(['info', 'warn', 'error']),
  code: z.string().check(z.minLength(1), z.maxLength(64)),
  message: z.string().check(z.maxLength(500)),
  /** The message this notice is about. */
  ref: z.optional(z.object({ from: SenderId, seq: z.int().check(z.positive()) })),
})

/** Which actions a receiver lets a device send; absent fields allow everything. */
export const Permissions = z.object({
  /** Presence and latency only: no input at all. */
  viewOnly: z.optional(z.boolean()),
  /**
   * Action kinds it may send (`key`, `chord`, `text`, `pointer` for move, scroll and button); absent: all. Releases
   * and renewals are always allowed.
   */
  actions: z.optional(z.array(z.enum(['key', 'chord', 'text', 'pointer'])).check(z.maxLength(4))),
  /** The only keys it may press (in `key`, `chord` and as a chord's modifiers); absent: all. */
  keys: z.optional(z.array(KeyCode).check(z.maxLength(256))),
  /** Chords it may never send, as chord text (`Meta+KeyQ`); matched whatever the modifier order or side. */
  forbiddenChords: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(64))),
})
export type Permissions = z.infer<typeof Permissions>

/** A receiver tells a device what it decided about it (after every handshake and every change). */
export const StatusMessage = z.object({
  type: z.literal('status'),
  state: z.enum(['approved', 'pending', 'revoked']),
  /** The six-digit verification code both sides show while pending. */
  code: z.optional(z.string().check(z.regex(/^\d{6}$/, 'must be six digits'))),
  permissions: z.optional(Permissions),
  /** The device may manage this receiver's devices (`manage`). */
  admin: z.optional(z.boolean()),
})
export type StatusMessage = z.infer<typeof StatusMessage>

const PROOF_CHARS = base64urlChars(MAC_BYTES)
/**
 * A device proves it holds a link's pairing secret: HMAC-SHA256(secret, "keyroom/v2/pairing" ‖ th ‖ receiver key),
 * bound to this session's handshake transcript `th` and to the receiver the link named.
 */
export const PairMessage = z.object({
  type: z.literal('pair'),
  proof: z
    .string()
    .check(
      z.regex(new RegExp(`^[A-Za-z0-9_-]{${PROOF_CHARS}}$`), `must be ${PROOF_CHARS} base64url characters`),
    ),
})

/** A device fingerprint as people read it: 4 groups of 4 Crockford base32 characters. */
export const Fingerprint = z
  .string()
  .check(
    z.regex(
      /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/,
      'must be a fingerprint (XXXX-XXXX-XXXX-XXXX)',
    ),
  )

/**
 * An admin device asks a receiver for its device list (`list`), or to approve or revoke one device by fingerprint.
 * A receiver answers with `devices`, or refuses with a `not-permitted` notice when the asker is not its admin.
 */
export const ManageMessage = z.object({
  type: z.literal('manage'),
  op: z.enum(['list', 'approve', 'revoke']),
  fingerprint: z.optional(Fingerprint),
})
export type ManageMessage = z.infer<typeof ManageMessage>

/** Pending and kept devices a receiver lists for its admins; bounded like its store's pending list. */
export const MAX_LISTED_DEVICES = 64

/** A receiver's device list, sent to an admin that asked with `manage`. */
export const DevicesMessage = z.object({
  type: z.literal('devices'),
  devices: z
    .array(
      z.object({
        name: DeviceName,
        fingerprint: Fingerprint,
        state: z.enum(['approved', 'pending', 'revoked']),
        role: Role,
        code: z.optional(z.string().check(z.regex(/^\d{6}$/, 'must be six digits'))),
        admin: z.optional(z.boolean()),
      }),
    )
    .check(z.maxLength(MAX_LISTED_DEVICES)),
})
export type DevicesMessage = z.infer<typeof DevicesMessage>

const Seq = z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER))
/**
 * A receiver tells one sender which of its actions arrived (`seqs`) and which it dropped (`lost`, with the reason),
 * so the sender knows per device what was delivered. Receipts are batched: one per sender per few milliseconds.
 */
export const ReceiptMessage = z.object({
  type: z.literal('receipt'),
  to: SenderId,
  seqs: z.array(Seq).check(z.maxLength(MAX_RECEIPT_SEQS)),
  lost: z.optional(
    z
      .array(z.object({ seq: Seq, reason: z.string().check(z.minLength(1), z.maxLength(32)) }))
      .check(z.maxLength(MAX_RECEIPT_SEQS)),
  ),
})

export const MessageBody = z.discriminatedUnion('type', [
  ...keyActionOptions,
  ...pointerActionOptions,
  HelloMessage,
  ByeMessage,
  PingMessage,
  PongMessage,
  NoticeMessage,
  StatusMessage,
  PairMessage,
  ReceiptMessage,
  ManageMessage,
  DevicesMessage,
])
export type MessageBody = z.infer<typeof MessageBody>
export type HelloMessage = z.infer<typeof HelloMessage>
export type NoticeMessage = z.infer<typeof NoticeMessage>
export type ReceiptMessage = z.infer<typeof ReceiptMessage>

/** What travels inside every seal: who sent it, in which order, when, and what. */
export const Envelope = z.object({
  v: z.literal(PROTOCOL_VERSION),
  from: SenderId,
  seq: z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER)),
  /** Send time, milliseconds since the Unix epoch, on the sender's clock. */
  t: z.int().check(z.nonnegative()),
  body: MessageBody,
})
export type Envelope = z.infer<typeof Envelope>

const keyActionTypes: ReadonlySet<string> = new Set<string>(
  keyActionOptions.flatMap((o) => o.shape.type.def.values),
)
export const isKeyAction = (body: MessageBody): body is KeyAction => keyActionTypes.has(body.type)
const pointerActionTypes: ReadonlySet<string> = new Set<string>(
  pointerActionOptions.flatMap((o) => o.shape.type.def.values),
)
export const isPointerAction = (body: MessageBody): body is PointerAction => pointerActionTypes.has(body.type)

type RoomUpkeepType =
  | 'hello'
  | 'ping'
  | 'pong'
  | 'notice'
  | 'status'
  | 'pair'
  | 'receipt'
  | 'manage'
  | 'devices'
/** What the room-client itself handles (presence, pings, notices, device status, pairing and management, receipts). */
export type RoomUpkeep = Extract<MessageBody, { type: RoomUpkeepType }>
const roomUpkeepTypes: ReadonlySet<string> = new Set<RoomUpkeepType>([
  'hello',
  'ping',
  'pong',
  'notice',
  'status',
  'pair',
  'receipt',
  'manage',
  'devices',
])
/** True for a message no device acts on: the room-client's own upkeep. */
export const isRoomUpkeep = (body: MessageBody): body is RoomUpkeep => roomUpkeepTypes.has(body.type)

/** Releases are honoured however late they are: a late release is never wrong, a late press is. */
export const isRelease = (body: MessageBody): boolean =>
  body.type === 'release-all' || ((body.type === 'key' || body.type === 'button') && body.phase === 'up')

/** Moves and scrolls are droppable: one that arrives late is dropped (MAX_MOTION_AGE_MS), never replayed. */
export const isDroppable = (body: MessageBody): body is MoveAction | ScrollAction =>
  body.type === 'move' || body.type === 'scroll'

/** What a receiver acknowledges with a `receipt` (delivered or lost, and why): key and pointer actions, not motion. */
export const isAcknowledged = (body: MessageBody): boolean =>
  (isKeyAction(body) || isPointerAction(body)) && !isDroppable(body)

/** Parses a decrypted message; a wrong version gets its own error code. */
export function parseEnvelope(input: unknown): Result<Envelope> {
  if (typeof input === 'object' && input !== null && 'v' in input && input.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: {
        code: 'unsupported-version',
        message: `protocol version ${String(input.v)} is not ${PROTOCOL_VERSION}`,
        path: 'v',
      },
    }
  }
  return parseWith(Envelope, input, 'invalid-message')
}

export const parseKeyAction = (input: unknown): Result<KeyAction> =>
  parseWith(KeyAction, input, 'invalid-action')
