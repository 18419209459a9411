// Measures how long a key event takes from reaching the receiver (verified by the room-client) to the key press
// done by nut.js, on a private Xvfb display; and from the keypad's send() to the press, through a real relay.
// Run: pnpm --filter @keyroom/mac-receiver bench   (needs Xvfb)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { joinDeviceRoom } from '@keyroom/device-kit'
import type { KeyAction } from '@keyroom/key-events'
import { startRelay } from '@keyroom/relay'
import { connectDevice, createIdentity, createRoomId, type DeviceRoomConnection } from '@keyroom/room-client'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { pino } from 'pino'
import { createNutKeyboard } from '../src/nut-keyboard.js'
import { createReceiver } from '../src/receiver.js'

const ROUNDS = 300

async function startXvfb() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-terminate'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  })
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    ;(xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (text.includes('\n')) resolve(`:${text.trim()}`)
    })
    xvfb.once('error', reject)
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited ${code}`)))
  })
  // -terminate: the server exits when its last client (this process) is gone; killing it first would make Xlib
  // abort our exit. If we fail before nut.js connects, kill it.
  xvfb.unref()
  return { display, kill: () => xvfb.kill('SIGKILL') }
}

const waitUntil = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

function stats(name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`
  console.log(
    `${name.padEnd(44)} n=${samples.length}  p50 ${fmt(at(0.5))}  p95 ${fmt(at(0.95))}  p99 ${fmt(at(0.99))}  max ${fmt(sorted.at(-1) ?? Number.NaN)}`,
  )
}

const x = await startXvfb()
// nut.js opens the display when it loads: set DISPLAY first.
process.env.DISPLAY = x.display
// The relay's default rate limit (100 events/s per socket) is for the internet, not for a tight loop.
const relay = await startRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
const rooms: DeviceRoomConnection[] = []
const stateDir = mkdtempSync(join(tmpdir(), 'keyroom-bench-'))
let connected = false
try {
  const keyboard = await createNutKeyboard()
  connected = true
  const direct: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now()
    await keyboard.pressKey('KeyA')
    direct.push(performance.now() - start)
    await keyboard.releaseKey('KeyA')
  }

  // The receiver's state dir as `pair` leaves it; the keypad opens its link inside the window and is approved.
  const store = openDeviceStore(stateDir)
  store.setRoom({ relay: relay.url, room: createRoomId() })
  const receiverRoom = joinDeviceRoom({
    configDir: stateDir,
    role: 'mac-receiver',
    name: 'bench mac',
    caps: { inject: true },
    logger: pino({ level: 'silent' }),
  })
  if (!receiverRoom) throw new Error('no room in the bench state dir')
  const link = {
    relay: relay.url,
    room: store.room()?.room ?? '',
    peer: store.identity().publicKey,
    name: 'bench mac',
    pairingSecret: store.openWindow(60),
  }
  const keypad = connectDevice({ link, identity: createIdentity(), role: 'keypad', name: 'bench phone' })
  rooms.push(receiverRoom, keypad)
  const receivedToPress: number[] = []
  const sendToPress: number[] = []
  let sentAt = 0
  createReceiver({
    room: receiverRoom,
    keyboard,
    logger: pino({ level: 'silent' }),
    onAction: ({ body, receivedAt, doneAt }) => {
      if (body.type === 'key' && body.phase === 'down') {
        receivedToPress.push(doneAt - receivedAt)
        sendToPress.push(doneAt - sentAt)
      }
    },
  })
  await waitUntil(
    () => keypad.peers().some((p) => p.name === 'bench mac' && p.status?.state === 'approved'),
    'the receiver to approve the keypad',
  )
  await waitUntil(() => receiverRoom.peers().some((p) => p.name === 'bench phone'), 'the keypad')
  for (let i = 0; i < ROUNDS; i++) {
    const count = receivedToPress.length
    sentAt = performance.now()
    const action: KeyAction = { type: 'key', code: 'KeyB', phase: 'down' }
    const sent = await keypad.send(action)
    if (!sent.ok) throw new Error(`send failed: ${sent.error.message}`)
    await waitUntil(() => receivedToPress.length > count, 'the press')
    await keypad.send({ type: 'key', code: 'KeyB', phase: 'up' })
  }
  stats('nut.js pressKey alone', direct)
  stats('event received by receiver -> key pressed', receivedToPress)
  stats('keypad send() -> relay -> key pressed', sendToPress)
} finally {
  for (const room of rooms) await room.close()
  await relay.close()
  rmSync(stateDir, { recursive: true, force: true })
  if (!connected) x.kill()
}
process.exit(0)
