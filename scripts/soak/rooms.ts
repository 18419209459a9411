import {
  connectDevice,
  createIdentity,
  createRoomId,
  type DevicePeer,
  type DeviceRoomConnection,
} from '@keyroom/room-client'

/** One keypad and one receiver in a room of their own, with what the receiver got from this keypad. */
export interface SoakRoom {
  keypad: DeviceRoomConnection
  receiver: DeviceRoomConnection
  sent: number
  delivered: number
  latencies: number[]
}

/** Resolves once `ready` holds for `room`'s peers, looked at on each change; fails past `timeoutMs`. */
const until = (
  room: DeviceRoomConnection,
  ready: (peers: DevicePeer[]) => boolean,
  timeoutMs: number,
  what: string,
) =>
  new Promise<void>((resolve, reject) => {
    if (ready(room.peers())) return resolve()
    const timer = setTimeout(() => {
      off()
      reject(new Error(`soak: ${what} not ready within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = room.on('peers', (peers) => {
      if (!ready(peers)) return
      clearTimeout(timer)
      off()
      resolve()
    })
  })

/**
 * Joins a keypad and a receiver to a fresh room on per-device trust, as pairing leaves them: the keypad trusts the
 * receiver's key, the receiver's gate approves the keypad's key (and nobody else's); resolves once the keypad has
 * the receiver's approval.
 */
export async function openRoom(relayUrl: string): Promise<SoakRoom> {
  const link = { relay: relayUrl, room: createRoomId() }
  const receiverIdentity = createIdentity()
  const keypadIdentity = createIdentity()
  const keypadKey = Buffer.from(keypadIdentity.publicKey)
  const receiver = connectDevice({
    link,
    identity: receiverIdentity,
    gate: (device) => ({ state: keypadKey.equals(device.key) ? 'approved' : 'pending' }),
    role: 'mac-receiver',
    name: 'soak receiver',
    caps: { inject: true },
  })
  const keypad = connectDevice({
    link,
    identity: keypadIdentity,
    trusted: [{ key: receiverIdentity.publicKey, name: 'soak receiver' }],
    role: 'keypad',
    name: 'soak keypad',
  })
  const room: SoakRoom = { keypad, receiver, sent: 0, delivered: 0, latencies: [] }
  receiver.on('message', (m) => {
    if (m.from !== keypad.id || m.body.type !== 'text') return
    room.delivered++
    // The text is its send time on this process's clock (a session's `t` counts from its handshake).
    room.latencies.push(Date.now() - Number(m.body.text))
  })
  await until(
    keypad,
    (peers) => peers.some((p) => p.id === receiver.id && p.status?.state === 'approved'),
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
      void room.keypad.send({ type: 'text', text: String(Date.now()) })
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
