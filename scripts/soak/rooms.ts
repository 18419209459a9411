import { connectRoom, createRoom, type RoomConnection } from '@keyroom/room-client'

/** One keypad and one receiver in a room of their own, with what the receiver got from this keypad. */
export interface SoakRoom {
  keypad: RoomConnection
  receiver: RoomConnection
  sent: number
  delivered: number
  latencies: number[]
}

const until = async (ready: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`soak: ${what} not ready within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Joins a keypad and a receiver to a fresh room and waits until each has verified the other. */
export async function openRoom(relayUrl: string): Promise<SoakRoom> {
  const link = createRoom(relayUrl)
  const receiver = connectRoom({ link, role: 'mac-receiver', name: 'soak receiver' })
  const keypad = connectRoom({ link, role: 'keypad', name: 'soak keypad' })
  const room: SoakRoom = { keypad, receiver, sent: 0, delivered: 0, latencies: [] }
  receiver.on('message', (m) => {
    if (m.from !== keypad.id || m.body.type !== 'text') return
    room.delivered++
    room.latencies.push(Date.now() - m.t)
  })
  await until(
    () =>
      keypad.peers().some((p) => p.id === receiver.id) && receiver.peers().some((p) => p.id === keypad.id),
    15_000,
    'a room',
  )
  return room
}

export async function closeRoom(room: SoakRoom): Promise<void> {
  await Promise.all([room.keypad.close(), room.receiver.close()])
}

/**
 * Sends `rate` texts per second in total, spread over the rooms, for `seconds` (open loop, 10 ms ticks);
 * resolves with how many it really offered.
 * `churn` runs once a second and may replace rooms; the list is read afresh on every tick.
 */
export async function drive(
  rooms: () => SoakRoom[],
  rate: number,
  seconds: number,
  churn?: () => Promise<void>,
): Promise<{ offered: number }> {
  const tickMs = 10
  const started = Date.now()
  let sent = 0
  let dropped = 0
  let next = 0
  let lastChurn = started
  let churning = false
  while (Date.now() - started < seconds * 1000) {
    // Paced by elapsed time, not by ticks: a late timer sends what is owed, up to a tenth of a second's worth;
    // debt beyond that is dropped (the clients fell behind), and the offered count says so.
    const due = Math.floor((rate * (Date.now() - started)) / 1000)
    if (due - sent > Math.ceil(rate / 10)) {
      dropped += due - sent - Math.ceil(rate / 10)
      sent = due - Math.ceil(rate / 10)
    }
    const owed = due - sent
    const list = rooms()
    for (let i = 0; i < owed && list.length > 0; i++) {
      const room = list[next++ % list.length]
      sent++
      if (!room) continue
      room.sent++
      void room.keypad.send({ type: 'text', text: `s${room.sent}` })
    }
    if (churn && !churning && Date.now() - lastChurn >= 1_000) {
      lastChurn = Date.now()
      churning = true
      void churn().finally(() => {
        churning = false
      })
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs))
  }
  return { offered: sent - dropped }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}
