import { type FollowedRoom, followRoom, sendNotice } from '@keyroom/device-kit'
import {
  HOLD_LEASE_MS,
  isDroppable,
  isKeyAction,
  isPointerAction,
  type KeyAction,
  type KeyCode,
  type PointerAction,
  type PointerButton,
} from '@keyroom/key-events'
import type { DeviceRoomConnection, RoomMessage } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { createActionQueue } from './action-queue.js'
import type { Held } from './held-file.js'
import { createHeldKeys, type ReleaseReason } from './held-keys.js'
import type { RepeatClock, RepeatSettings } from './key-repeat.js'
import { isInjectError, type Keyboard } from './keyboard.js'
import type { Pointer } from './pointer.js'
import { createPressedKeys } from './pressed-keys.js'

type Action = KeyAction | PointerAction

/**
 * The part of a device room the receiver uses: `joinDeviceRoom()`'s connection fits. Messages reach it only from
 * approved devices; a sender is its session id (`from`), and `peer-left` (it left, or was revoked) releases what it
 * holds.
 */
export type ReceiverRoom = FollowedRoom & Pick<DeviceRoomConnection, 'send'>

export interface ReceiverOptions {
  room: ReceiverRoom
  keyboard: Keyboard
  /** Moves, buttons and scrolling; without one, pointer messages are ignored. */
  pointer?: Pointer
  logger: Logger
  /** @default HOLD_LEASE_MS */
  leaseMs?: number
  /** Where the keys go: macOS shares one flag bit between left and right modifiers. @default process.platform */
  platform?: string
  /** The target's repeat delay and rate, for keyboards that keyroom repeats (`repeatKey`). Absent: no repeat. */
  repeat?: RepeatSettings
  /** @default REPEAT_STALL_MS */
  stallMs?: number
  clock?: RepeatClock
  /** Why injection is blocked right now (no Accessibility permission, Secure Input), if it is. */
  blocked?: () => string | undefined
  /** Told the keys and buttons that may be down, before every press and after every release (see `held-file.ts`). */
  recordHeld?: (held: Held) => void
  /** Most characters of text waiting to be typed; a text past it is refused with a notice. @default MAX_QUEUED_TEXT */
  maxQueuedText?: number
  /** Called after each key action was carried out (or refused), for measurements. */
  onAction?: (info: { body: Action; receivedAt: number; doneAt: number; ok: boolean }) => void
}

export interface Receiver {
  /** Resolves when every action received so far has been carried out. */
  idle(): Promise<void>
  /** Releases every held key and stops acting on messages. */
  close(reason?: ReleaseReason): Promise<void>
}

const BLOCKED_NOTICE_INTERVAL_MS = 5_000
/** Characters of text that may wait to be typed (eight full `text` messages): typing never falls further behind. */
export const MAX_QUEUED_TEXT = 4_096

/**
 * A key or button down still in the queue: renewals that arrive meanwhile count; the sender leaving or the socket
 * dropping (releases that go ahead of everything) cancel it.
 */
interface PendingDown {
  kind: 'key' | 'button'
  code: string
  /** When the down or the last renewal of it arrived: its lease runs from then. */
  touchedAt: number
  cancelled: boolean
}

/**
 * Turns verified key actions from the room into keyboard calls, one at a time and in order. Held keys are released
 * when their lease runs out, when their sender leaves, when the connection drops and on close; those releases (and
 * an `up` for a key that is down) go ahead of queued actions, and typing pauses between keystrokes for them.
 */
export function createReceiver(options: ReceiverOptions): Receiver {
  const { room, logger } = options
  const queue = createActionQueue()
  // Timer-driven work (lease expiry, repeats, stall releases) is urgent: it must not wait behind typing.
  const serial = queue.urgentLane
  const leaseMs = options.leaseMs ?? HOLD_LEASE_MS
  const maxQueuedText = options.maxQueuedText ?? MAX_QUEUED_TEXT
  let queuedText = 0
  const pending = new Map<string, Set<PendingDown>>()
  const cancelPending = (from?: string) => {
    for (const [sender, set] of pending) {
      if (from !== undefined && sender !== from) continue
      for (const p of set) p.cancelled = true
    }
  }
  // Everything goes through `pressed`: it knows what keyroom put down and never releases anything else.
  let keysDown: KeyCode[] = []
  const buttonsDown = new Set<PointerButton>()
  const record = () => options.recordHeld?.({ keys: keysDown, buttons: [...buttonsDown] })
  const pressed = createPressedKeys({
    keyboard: options.keyboard,
    logger,
    serial,
    platform: options.platform ?? process.platform,
    ...(options.repeat ? { repeat: options.repeat } : {}),
    ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    record(down) {
      keysDown = down
      record()
    },
  })
  const held = createHeldKeys({
    keyboard: pressed,
    logger,
    serial,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  })
  const { pointer } = options
  // Held mouse buttons follow the same lease rules as held keys.
  const buttons = pointer
    ? createHeldKeys<PointerButton>({
        keyboard: {
          async pressKey(button) {
            // On record before it goes down, off it once it is up (a failed release stays on record).
            buttonsDown.add(button)
            record()
            try {
              await pointer.press(button)
            } catch (error) {
              buttonsDown.delete(button)
              record()
              throw error
            }
          },
          async releaseKey(button) {
            await pointer.release(button)
            buttonsDown.delete(button)
            record()
          },
        },
        logger: logger.child({ module: 'held-buttons' }),
        serial,
        ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
      })
    : undefined
  // A move or scroll still waiting in the queue, per sender and type: later ones add to it instead of queueing.
  const waitingMotion = new Map<string, { dx: number; dy: number }>()
  let closed = false
  let lastBlockedNotice = Number.NEGATIVE_INFINITY

  const notify = (message: RoomMessage, level: 'warn' | 'error', code: string, text: string) =>
    sendNotice(room, logger, { level, code, message: text, about: message })

  const chord = async (modifiers: readonly KeyCode[], code: KeyCode) => {
    const added: KeyCode[] = []
    try {
      // A modifier that is down already (someone holds it) stays down: `press` says false and it is not released.
      for (const modifier of modifiers) if (await pressed.press(modifier)) added.push(modifier)
      await pressed.tap(code)
    } finally {
      for (const modifier of added.reverse()) {
        try {
          await pressed.release(modifier)
        } catch (error) {
          logger.error({ code: modifier, err: error }, 'could not release chord modifier')
        }
      }
    }
  }

  // A renewal keeps a key repeating only for the codes this sender holds.
  const touch = (from: string, codes: readonly KeyCode[]) => {
    const holders = held.snapshot()
    for (const code of codes) if (holders[code]?.includes(from)) pressed.touch(code)
  }

  /** The lease left to a queued down when it runs; undefined when it was cancelled or its lease ran out. */
  const leaseLeft = (from: string, down: PendingDown | undefined) => {
    if (!down) return leaseMs
    pending.get(from)?.delete(down)
    if (pending.get(from)?.size === 0) pending.delete(from)
    const left = leaseMs - (performance.now() - down.touchedAt)
    if (!down.cancelled && left > 0) return left
    logger.info(
      { from, code: down.code, why: down.cancelled ? 'released while queued' : 'lease ran out while queued' },
      'queued down not pressed',
    )
    return undefined
  }

  const act = async (body: Action, from: string, down?: PendingDown) => {
    switch (body.type) {
      case 'move':
        return pointer?.move(body.dx, body.dy)
      case 'scroll':
        return pointer?.scroll(body.dx, body.dy)
      case 'button': {
        if (body.phase === 'up') return buttons?.up(from, body.button)
        if (body.phase === 'click') return pointer?.click(body.button)
        const left = leaseLeft(from, down)
        return left === undefined ? undefined : buttons?.down(from, body.button, left)
      }
      case 'key': {
        if (body.phase === 'up') return held.up(from, body.code)
        if (body.phase === 'tap') return pressed.tap(body.code)
        const left = leaseLeft(from, down)
        if (left === undefined) return
        await held.down(from, body.code, left)
        return touch(from, [body.code])
      }
      case 'chord':
        return chord(body.modifiers, body.code)
      case 'text':
        return pressed.type(body.text, queue.pause)
      case 'renew':
        held.renew(from, body.codes)
        buttons?.renew(from, body.buttons ?? [])
        for (const p of pending.get(from) ?? []) {
          const codes: readonly string[] = p.kind === 'key' ? body.codes : (body.buttons ?? [])
          if (codes.includes(p.code)) p.touchedAt = performance.now()
        }
        return touch(from, body.codes)
      case 'release-all':
        await held.releaseSender(from, 'release-all')
        return buttons?.releaseSender(from, 'release-all')
    }
  }

  const handle = async (message: RoomMessage, body: Action, receivedAt: number, down?: PendingDown) => {
    if (closed) return
    const blocked = options.blocked?.()
    if (blocked && receivedAt - lastBlockedNotice > BLOCKED_NOTICE_INTERVAL_MS) {
      lastBlockedNotice = receivedAt
      logger.warn({ blocked }, 'key injection is blocked')
      notify(message, 'error', 'blocked', blocked)
    }
    let ok = true
    try {
      await act(body, message.from, down)
    } catch (error) {
      ok = false
      if (isInjectError(error)) {
        logger.warn({ code: error.code, key: error.key, from: message.from, seq: message.seq }, error.message)
        notify(message, 'warn', error.code, error.message)
      } else {
        logger.error({ err: error, action: body.type, from: message.from }, 'key action failed')
        notify(message, 'error', 'inject-failed', error instanceof Error ? error.message : String(error))
      }
    }
    options.onAction?.({ body, receivedAt, doneAt: performance.now(), ok })
  }

  const releaseEverything = async (reason: ReleaseReason) => {
    await buttons?.releaseAll(reason)
    await held.releaseAll(reason)
    // Nothing should be left (chords and taps release their own keys), but never leave a key down on the way out.
    await pressed.releaseAll()
  }

  const unsubscribe = followRoom(room, {
    message(message) {
      const { body } = message
      // Only key and pointer actions are acted on: presence, pings and notices are the room-client's business.
      if (!isKeyAction(body) && !(pointer && isPointerAction(body))) return
      const receivedAt = performance.now()
      const motionKey = (type: string) => `${message.from}\n${type}`
      if (isDroppable(body)) {
        // Motion that piles up behind a slow action is summed, never replayed as a burst.
        const waiting = waitingMotion.get(motionKey(body.type))
        if (waiting) {
          waiting.dx += body.dx
          waiting.dy += body.dy
          return
        }
        const merged = { ...body }
        waitingMotion.set(motionKey(body.type), merged)
        void queue.run(() => {
          if (waitingMotion.get(motionKey(body.type)) === merged) waitingMotion.delete(motionKey(body.type))
          return handle(message, merged, receivedAt)
        })
        return
      }
      // Anything else from this sender closes the window: motion after a button press stays after it.
      waitingMotion.delete(motionKey('move'))
      waitingMotion.delete(motionKey('scroll'))
      const { from } = message
      switch (body.type) {
        // A renewal touches no key: it counts when it arrives, not when the queue reaches it.
        case 'renew':
          void handle(message, body, receivedAt)
          return
        // Ahead of queued text, after other queued actions (see ActionQueue.release).
        case 'release-all':
          void queue.release(() => handle(message, body, receivedAt))
          return
        case 'text': {
          const length = [...body.text].length
          if (queuedText + length > maxQueuedText) {
            logger.warn({ from, length, queuedText }, 'text refused: too much text waiting to be typed')
            notify(
              message,
              'warn',
              'text-queue-full',
              `text not typed: ${queuedText} characters are still waiting to be typed (at most ${maxQueuedText}); send it again in a moment`,
            )
            return
          }
          queuedText += length
          void queue.runText(() => handle(message, body, receivedAt)).finally(() => (queuedText -= length))
          return
        }
        case 'key':
        case 'button': {
          if (body.phase === 'down') {
            const kind = body.type
            const code = body.type === 'key' ? body.code : body.button
            const down: PendingDown = { kind, code, touchedAt: receivedAt, cancelled: false }
            const set = pending.get(from) ?? new Set()
            set.add(down)
            pending.set(from, set)
            void queue.run(() => handle(message, body, receivedAt, down))
            return
          }
          if (body.phase === 'up') {
            void queue.release(() => handle(message, body, receivedAt))
            return
          }
          break
        }
      }
      void queue.run(() => handle(message, body, receivedAt))
    },
    senderGone(id) {
      cancelPending(id)
      void queue.urgent(async () => {
        await held.releaseSender(id, 'peer-left')
        await buttons?.releaseSender(id, 'peer-left')
      })
    },
    disconnected() {
      cancelPending()
      void queue.urgent(() => releaseEverything('socket-drop'))
    },
  })

  return {
    idle: () => queue.idle(),
    async close(reason = 'shutdown') {
      unsubscribe()
      // Held keys go up at once; actions already queued still run (their keys are released right after them).
      await queue.urgent(() => releaseEverything(reason))
      await queue.run(async () => {
        closed = true
        await releaseEverything(reason)
      })
    },
  }
}
