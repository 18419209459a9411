import { joinDeviceRoom } from '@keyroom/device-kit'
import {
  connectDevice,
  createIdentity,
  type Delivery,
  type DeviceRoomConnection,
  type SendResult,
} from '@keyroom/room-client'
import { pairDeviceDir } from '@keyroom/test-kit'
import { pino } from 'pino'
import { expect, onTestFinished, vi } from 'vitest'
import type { LogLine } from '../src/log-keyboard.js'
import { createReceiver } from '../src/receiver.js'
import { createRecordingKeyboard } from './recording-keyboard.js'

/** What the chaos tests type: a numbered text every this often in every room, with Shift held and renewed. */
export const TYPE_EVERY_MS = 100

/** A keypad (room-client) and a receiver (createReceiver, recording keyboard) in one room, for chaos tests. */
export interface TypingRoom {
  name: string
  mac: DeviceRoomConnection
  phone: DeviceRoomConnection
  keyboard: ReturnType<typeof createRecordingKeyboard>
  /** Each text the keypad sent, when, and what it was told about it. */
  sent: { text: string; at: number; result: Promise<{ sent: SendResult } & Delivery> }[]
}

const hasSession = (room: DeviceRoomConnection, name: string) => room.peers().some((p) => p.name === name)
/** Both ends have a session with each other, and the receiver has told the keypad it is approved. */
export const paired = (room: TypingRoom) =>
  room.phone.peers().some((p) => p.name === `${room.name} mac` && p.status?.state === 'approved') &&
  hasSession(room.mac, `${room.name} phone`)

/**
 * A receiver (its paired state dir on `relays.mac`) and a keypad that opened its link (through `relays.phone`: the
 * two may reach one room through different relays) in one room; waits until the keypad is approved.
 */
export async function typingRoom(name: string, relays: { mac: string; phone: string }): Promise<TypingRoom> {
  const logger = pino({ level: 'silent' })
  const device = pairDeviceDir(relays.mac, { name: `${name} mac` })
  const mac = joinDeviceRoom({
    configDir: device.configDir,
    role: 'mac-receiver',
    name: `${name} mac`,
    caps: { inject: true },
    logger,
  })
  if (!mac) throw new Error('pairDeviceDir left no room')
  const phone = connectDevice({
    link: { ...device.link, relay: relays.phone },
    identity: createIdentity(),
    role: 'keypad',
    name: `${name} phone`,
  })
  const keyboard = createRecordingKeyboard()
  const receiver = createReceiver({ room: mac, keyboard, logger })
  onTestFinished(async () => {
    await receiver.close()
    await Promise.all([mac.close(), phone.close()])
  })
  const room: TypingRoom = { name, mac, phone, keyboard, sent: [] }
  await vi.waitFor(() => expect(paired(room)).toBe(true), { timeout: 20_000, interval: 50 })
  return room
}

/**
 * Every keypad presses Shift, then renews it and types `<room> <n>` every TYPE_EVERY_MS until `stop()`, which lets
 * go of Shift.
 */
export async function startTyping(rooms: TypingRoom[]): Promise<() => Promise<void>> {
  for (const room of rooms) await room.phone.send({ type: 'key', code: 'ShiftLeft', phase: 'down' })
  let n = 0
  const timer = setInterval(() => {
    n++
    for (const room of rooms) {
      const text = `${room.name} ${n}`
      room.sent.push({ text, at: Date.now(), result: room.phone.deliver({ type: 'text', text }) })
      void room.phone.send({ type: 'renew', codes: ['ShiftLeft'] })
    }
  }, TYPE_EVERY_MS)
  onTestFinished(() => clearInterval(timer))
  return async () => {
    clearInterval(timer)
    await Promise.all(rooms.map((r) => r.phone.send({ type: 'key', code: 'ShiftLeft', phase: 'up' })))
  }
}

/** The receiver's calls with when each came. */
export function calls(room: TypingRoom): (LogLine & { at: number })[] {
  return room.keyboard.actions.map((action, i) => ({ ...action, at: room.keyboard.times[i] ?? Number.NaN }))
}
export const typedSince = (room: TypingRoom, since: number) =>
  calls(room).filter((c) => c.action === 'type' && c.at > since).length
/** When Shift went up after `since` (Infinity while it is down). */
export const shiftUpAfter = (room: TypingRoom, since: number) =>
  calls(room).find((c) => c.action === 'up' && c.code === 'ShiftLeft' && c.at >= since)?.at ??
  Number.POSITIVE_INFINITY

/**
 * Checks what every chaos test promises, per room: nothing typed twice, Shift pressed once and up at the end, and
 * no text lost silently (one not typed was never confirmed to its sender). Returns the counts for the report.
 */
export async function judge(rooms: TypingRoom[]) {
  await vi.waitFor(() => expect(rooms.filter((r) => r.keyboard.down.size > 0).map((r) => r.name)).toEqual([]))
  let sent = 0
  let typed = 0
  let toldLost = 0
  let toldButTyped = 0
  let worstLate = 0
  for (const room of rooms) {
    const typedAt = new Map<string, number>()
    for (const call of calls(room)) {
      if (call.action !== 'type') continue
      expect(typedAt.has(call.text), `${room.name}: "${call.text}" typed twice`).toBe(false)
      typedAt.set(call.text, call.at)
    }
    for (const { text, at, result } of room.sent) {
      const outcome = await result
      sent++
      const confirmed = outcome.sent.ok && outcome.delivered.includes(room.mac.id)
      const reached = typedAt.get(text)
      if (reached === undefined) {
        expect(confirmed, `${room.name}: "${text}" confirmed to its sender but never typed`).toBe(false)
        toldLost++
        continue
      }
      typed++
      worstLate = Math.max(worstLate, reached - at)
      if (!confirmed) toldButTyped++ // typed, but its receipt (or the ack) was lost: reported unconfirmed
    }
    expect(room.keyboard.down.size, `${room.name}: keys left down`).toBe(0)
    const shiftDowns = calls(room).filter((c) => c.action === 'down' && c.code === 'ShiftLeft')
    expect(shiftDowns, `${room.name}: renewals must not press a released Shift again`).toHaveLength(1)
  }
  return { sent, typed, toldLost, toldButTyped, worstLate }
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}
