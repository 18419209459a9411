import { sendNotice } from '@keyroom/device-kit'
import type { KeyCode, PointerButton } from '@keyroom/key-events'
import { createLeaseTable, type RoomMessage, type Timers } from '@keyroom/room-client'
import type { Logger } from 'pino'
import type { AgentRoom } from './agent.js'
import { followSenders, type SenderAction } from './follow-senders.js'
import type { HidOutput } from './hid-output.js'

export interface HidAgentOptions {
  room: Omit<AgentRoom, 'updateCapabilities'>
  hid: HidOutput
  logger: Logger
  /** @default the platform's (tests pass fake timers through vitest) */
  timers?: Pick<Timers, 'setTimeout' | 'clearTimeout'>
}

export interface HidAgent {
  /** Every key and button released (all-zero reports queued), room listeners removed. Safe to repeat. */
  shutdown(reason: string): void
}

/**
 * The room's keys, text and pointer, typed into the computer the Pi is plugged into. Holds follow the room-client
 * lease tables, as on every receiver: a key or button stays down while some sender holds and renews it; when the
 * lease, the sender, the socket or the process ends, the gadget gets all-zero reports.
 */
export function createHidAgent(options: HidAgentOptions): HidAgent {
  const { room, hid, logger } = options
  let stopped = false
  let rolledOver = false

  const notify = (message: RoomMessage, level: 'warn' | 'error', code: string, text: string) =>
    sendNotice(room, logger, { level, code, message: text, about: message })

  const timers = options.timers === undefined ? {} : { timers: options.timers }
  const keys = createLeaseTable<KeyCode>({
    ...timers,
    onExpire(lease) {
      logger.warn({ from: lease.sender, code: lease.key }, 'hold lease expired without renewal: releasing')
      if (keys.expire(lease)) sync()
    },
  })
  const buttons = createLeaseTable<PointerButton>({
    ...timers,
    onExpire(lease) {
      logger.warn(
        { from: lease.sender, button: lease.key },
        'button lease expired without renewal: releasing',
      )
      if (buttons.expire(lease)) sync()
    },
  })
  const everyHold = <K extends string>(table: { senders(): string[]; heldBy(s: string): K[] }) =>
    new Set(table.senders().flatMap((sender) => table.heldBy(sender)))

  /** Sends what is held now; says so once when a press takes the keyboard past six keys. */
  const sync = (cause?: RoomMessage) => {
    const unknown = hid.holdKeys(everyHold(keys))
    if (unknown.length > 0) logger.warn({ codes: unknown }, 'keys with no HID usage: ignored')
    hid.holdButtons(everyHold(buttons))
    const now = hid.rolledOver()
    if (now && !rolledOver && cause) {
      logger.warn('more than six keys held: the keyboard reports rollover until one is released')
      notify(
        cause,
        'warn',
        'hid-rollover',
        'more than six keys held at once: a USB keyboard reports six, so the computer keeps the earlier keys and ignores new ones until one is released',
      )
    }
    rolledOver = now
  }

  const releaseSender = (from: string, why: string) => {
    if (keys.heldBy(from).length === 0 && buttons.heldBy(from).length === 0) return
    keys.releaseSender(from)
    buttons.releaseSender(from)
    logger.info({ from, why }, 'released what the sender held')
    sync()
  }

  const releaseAll = (why: string) => {
    keys.releaseAll()
    buttons.releaseAll()
    rolledOver = false
    hid.releaseAll()
    logger.info({ why }, 'all-zero reports: every key and button released')
  }

  const onMessage = (message: SenderAction) => {
    if (stopped) return
    const { body, from } = message
    switch (body.type) {
      case 'key':
        if (body.phase !== 'up') {
          keys.hold(from, body.code)
          sync(message)
        }
        if (body.phase !== 'down' && keys.release(from, body.code) !== 'not-held') sync()
        return
      case 'chord':
        hid.chord(body.modifiers, body.code)
        return
      case 'text': {
        const typed = hid.type(body.text)
        if (!typed.ok) {
          const chars = typed.error.chars.map((c) => JSON.stringify(c)).join(', ')
          logger.warn(
            { chars: typed.error.chars, layout: hid.layout },
            'text refused: the target layout cannot type it',
          )
          notify(
            message,
            'warn',
            'unmappable-text',
            `nothing typed: the target layout "${hid.layout}" has no key for ${chars} (set the agent's --layout to the computer's layout)`,
          )
        }
        return
      }
      case 'renew':
        keys.renew(from, body.codes)
        buttons.renew(from, body.buttons ?? [])
        return
      case 'release-all':
        releaseSender(from, 'release-all')
        return
      case 'move':
        hid.move(body.dx, body.dy)
        return
      case 'scroll':
        hid.scroll(body.dx, body.dy)
        return
      case 'button':
        if (body.phase === 'click') hid.click(body.button)
        else if (body.phase === 'down') {
          buttons.hold(from, body.button)
          sync()
        } else if (buttons.release(from, body.button) !== 'not-held') sync()
        return
      default: {
        const never: never = body
        return never
      }
    }
  }

  const unsubscribe = followSenders(room, { action: onMessage, releaseSender, releaseAll })
  logger.info({ layout: hid.layout }, 'USB keyboard, mouse and media keys ready')

  return {
    shutdown(reason) {
      if (stopped) return
      stopped = true
      unsubscribe()
      releaseAll(`shutdown-${reason}`)
    },
  }
}
