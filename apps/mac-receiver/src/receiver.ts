import { followRoom, sendNotice } from '@keyroom/device-kit'
import {
  isDroppable,
  isKeyAction,
  isPointerAction,
  type KeyAction,
  type KeyCode,
  type PointerAction,
  type PointerButton,
} from '@keyroom/key-events'
import type { RoomConnection, VerifiedMessage } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { createHeldKeys, type ReleaseReason } from './held-keys.js'
import type { RepeatClock, RepeatSettings } from './key-repeat.js'
import { isInjectError, type Keyboard } from './keyboard.js'
import type { Pointer } from './pointer.js'
import { createPressedKeys } from './pressed-keys.js'
import { createSerial } from './serial.js'

type Action = KeyAction | PointerAction

/** The part of a room connection the receiver uses; the real `connectRoom()` result fits. */
export type ReceiverRoom = Pick<RoomConnection, 'on' | 'send'>

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

/**
 * Turns verified key actions from the room into keyboard calls, one at a time and in order. Held keys are released
 * when their lease runs out, when their sender leaves, when the connection drops and on close.
 */
export function createReceiver(options: ReceiverOptions): Receiver {
  const { room, logger } = options
  const serial = createSerial()
  // Everything goes through `pressed`: it knows what keyroom put down and never releases anything else.
  const pressed = createPressedKeys({
    keyboard: options.keyboard,
    logger,
    serial,
    platform: options.platform ?? process.platform,
    ...(options.repeat ? { repeat: options.repeat } : {}),
    ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
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
        keyboard: { pressKey: (b) => pointer.press(b), releaseKey: (b) => pointer.release(b) },
        logger: logger.child({ module: 'held-buttons' }),
        serial,
        ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
      })
    : undefined
  // A move or scroll still waiting in the queue, per sender and type: later ones add to it instead of queueing.
  const waitingMotion = new Map<string, { dx: number; dy: number }>()
  let closed = false
  let lastBlockedNotice = Number.NEGATIVE_INFINITY

  const notify = (message: VerifiedMessage, level: 'warn' | 'error', code: string, text: string) =>
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

  const act = async (body: Action, from: string) => {
    switch (body.type) {
      case 'move':
        return pointer?.move(body.dx, body.dy)
      case 'scroll':
        return pointer?.scroll(body.dx, body.dy)
      case 'button':
        if (body.phase === 'down') return buttons?.down(from, body.button)
        if (body.phase === 'up') return buttons?.up(from, body.button)
        return pointer?.click(body.button)
      case 'key':
        if (body.phase === 'down') {
          await held.down(from, body.code)
          return touch(from, [body.code])
        }
        if (body.phase === 'up') return held.up(from, body.code)
        return pressed.tap(body.code)
      case 'chord':
        return chord(body.modifiers, body.code)
      case 'text':
        return pressed.type(body.text)
      case 'renew':
        held.renew(from, body.codes)
        buttons?.renew(from, body.buttons ?? [])
        return touch(from, body.codes)
      case 'release-all':
        await held.releaseSender(from, 'release-all')
        return buttons?.releaseSender(from, 'release-all')
    }
  }

  const handle = async (message: VerifiedMessage, body: Action, receivedAt: number) => {
    if (closed) return
    const blocked = options.blocked?.()
    if (blocked && receivedAt - lastBlockedNotice > BLOCKED_NOTICE_INTERVAL_MS) {
      lastBlockedNotice = receivedAt
      logger.warn({ blocked }, 'key injection is blocked')
      notify(message, 'error', 'blocked', blocked)
    }
    let ok = true
    try {
      await act(body, message.from)
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
        void serial.run(() => {
          if (waitingMotion.get(motionKey(body.type)) === merged) waitingMotion.delete(motionKey(body.type))
          return handle(message, merged, receivedAt)
        })
        return
      }
      // Anything else from this sender closes the window: motion after a button press stays after it.
      waitingMotion.delete(motionKey('move'))
      waitingMotion.delete(motionKey('scroll'))
      void serial.run(() => handle(message, body, receivedAt))
    },
    senderGone(id) {
      void serial.run(async () => {
        await held.releaseSender(id, 'peer-left')
        await buttons?.releaseSender(id, 'peer-left')
      })
    },
    disconnected: () => void serial.run(() => releaseEverything('socket-drop')),
  })

  return {
    idle: () => serial.idle(),
    async close(reason = 'shutdown') {
      // Actions already queued still run (their keys are released right after); nothing new is taken.
      unsubscribe()
      await serial.run(async () => {
        closed = true
        await releaseEverything(reason)
      })
    },
  }
}
