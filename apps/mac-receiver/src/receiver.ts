import { isKeyAction, type KeyAction, type KeyCode } from '@keyroom/key-events'
import type { RoomConnection, VerifiedMessage } from '@keyroom/room-client'
import type { Logger } from 'pino'
import { createHeldKeys, type ReleaseReason } from './held-keys.js'
import type { RepeatClock, RepeatSettings } from './key-repeat.js'
import { isInjectError, type Keyboard } from './keyboard.js'
import { createPressedKeys } from './pressed-keys.js'
import { createSerial } from './serial.js'

/** The part of a room connection the receiver uses; the real `connectRoom()` result fits. */
export type ReceiverRoom = Pick<RoomConnection, 'on' | 'send'>

export interface ReceiverOptions {
  room: ReceiverRoom
  keyboard: Keyboard
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
  onAction?: (info: { body: KeyAction; receivedAt: number; doneAt: number; ok: boolean }) => void
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
  let closed = false
  let lastBlockedNotice = Number.NEGATIVE_INFINITY

  const notify = (message: VerifiedMessage, level: 'warn' | 'error', code: string, text: string) => {
    void room
      .send({
        type: 'notice',
        level,
        code,
        message: text.slice(0, 500),
        ref: { from: message.from, seq: message.seq },
      })
      .then((result) => {
        if (!result.ok) logger.warn({ code, error: result.error }, 'could not send notice')
      })
  }

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

  const act = async (body: KeyAction, from: string) => {
    switch (body.type) {
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
        return touch(from, body.codes)
      case 'release-all':
        return held.releaseSender(from, 'release-all')
    }
  }

  const handle = async (message: VerifiedMessage, body: KeyAction, receivedAt: number) => {
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
    await held.releaseAll(reason)
    // Nothing should be left (chords and taps release their own keys), but never leave a key down on the way out.
    await pressed.releaseAll()
  }

  const unsubscribe = [
    room.on('message', (message) => {
      const { body } = message
      // Only key actions are acted on: presence, pings and notices are the room-client's business.
      if (!isKeyAction(body)) return
      const receivedAt = performance.now()
      void serial.run(() => handle(message, body, receivedAt))
    }),
    room.on('peer-left', (peer) => {
      void serial.run(() => held.releaseSender(peer.id, 'peer-left'))
    }),
    room.on('state', (state) => {
      if (state !== 'connected') void serial.run(() => releaseEverything('socket-drop'))
    }),
  ]

  return {
    idle: () => serial.idle(),
    async close(reason = 'shutdown') {
      // Actions already queued still run (their keys are released right after); nothing new is taken.
      for (const off of unsubscribe) off()
      await serial.run(async () => {
        closed = true
        await releaseEverything(reason)
      })
    },
  }
}
