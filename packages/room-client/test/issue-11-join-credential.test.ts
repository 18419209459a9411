import {
  FRAME_VERSION,
  fromBase64url,
  KEYROOM_EVENT,
  type RelayAck,
  RelayEvent,
  roomCredential,
} from '@keyroom/key-events'
import {
  joinAsDevice,
  joinAsReceiver,
  joinAsRoomMember,
  keyActions,
  pairDeviceDir,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it, onTestFinished, vi } from 'vitest'

async function outsider(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  onTestFinished(() => {
    socket.disconnect()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  return socket
}
const call = (socket: Socket, event: string, arg: unknown) =>
  socket.timeout(5_000).emitWithAck(event, arg) as Promise<RelayAck>
const credentialOf = (room: string) => roomCredential(fromBase64url(room) ?? new Uint8Array())
const garbage = (i: number) => ({ v: 1, nonce: 'A'.repeat(32), ciphertext: `${'B'.repeat(40)}${i}` })

describe('issue 11.9: only members reach the room', () => {
  it('an outsider who knows the relay room cannot join or reach its devices; members are served', async () => {
    const { url } = await startTestRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const mac = pairDeviceDir(url, { name: 'mac' })
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'mac', 'approved')
    // The relay sees the credential's public key as the room, never the link's room secret.
    const credential = credentialOf(mac.link.room)
    const room = credential.room

    const intruder = await outsider(url)
    const heard: unknown[] = []
    intruder.on(KEYROOM_EVENT, (payload: unknown) => heard.push(payload))
    expect(await call(intruder, RelayEvent.joinRoom, room)).toMatchObject({
      ok: false,
      error: { code: 'proof-required' },
    })
    expect(
      await call(intruder, RelayEvent.joinRoom, { roomName: room, proof: 'x'.repeat(86) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-proof' },
    })
    // A proof made for another connection (say, the keypad's) does not carry over.
    const keypadSocket = receiver.peers().find((p) => p.name === 'phone')?.sid ?? ''
    expect(keypadSocket).not.toBe('')
    const stolen = credential.prove(keypadSocket)
    expect(await call(intruder, RelayEvent.joinRoom, { roomName: room, proof: stolen })).toMatchObject({
      ok: false,
      error: { code: 'invalid-proof', message: 'the proof does not verify for this room and connection' },
    })
    for (let i = 0; i < 50; i++) {
      const ack = await call(intruder, RelayEvent.broadcast, {
        roomName: room,
        eventName: KEYROOM_EVENT,
        payload: garbage(i),
      })
      expect(ack).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
    }
    await keypad.send({ type: 'key', code: 'KeyQ', phase: 'tap' })
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([{ type: 'key', code: 'KeyQ', phase: 'tap' }]),
    )
    expect(receiver.rejected).toEqual([])
    expect(heard).toEqual([])
  })

  it("with the link's room secret, a client joins by signing its own connection id", async () => {
    const { url } = await startTestRelay()
    const { link } = pairDeviceDir(url)
    const member = await joinAsRoomMember(url, link.room)
    expect(member.joined).toEqual({ ok: true })
  })

  it('a flood of garbage from members of the room never keeps a live tap from getting through', async () => {
    const { url } = await startTestRelay({ eventsPerSecond: 10_000, eventBurst: 10_000 })
    const mac = pairDeviceDir(url, { name: 'mac' })
    const receiver = await joinAsReceiver(mac, 'mac-receiver', 'mac')
    const keypad = await joinAsDevice(mac.link, 'keypad', 'phone')
    await waitForDevice(keypad, 'mac', 'approved')
    const flooders = await Promise.all(Array.from({ length: 5 }, () => joinAsRoomMember(url, mac.link.room)))
    const sent = 400
    // Older-keyroom seals and version 2 frames from sessions the receiver never opened, to its own session id.
    const junk = (i: number) =>
      i % 2 === 0
        ? garbage(i)
        : {
            v: FRAME_VERSION,
            k: 'msg',
            from: `${String(i).padStart(4, '0')}${'A'.repeat(18)}`,
            to: receiver.id,
            nonce: 'A'.repeat(32),
            ciphertext: 'B'.repeat(5483),
          }
    await Promise.all(
      flooders.map((f, n) =>
        Promise.all(
          Array.from({ length: sent / flooders.length }, (_, i) => f.broadcast(junk(n * 1000 + i))),
        ),
      ),
    )
    await keypad.send({ type: 'key', code: 'KeyA', phase: 'tap' })
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([{ type: 'key', code: 'KeyA', phase: 'tap' }]),
    )
    // Every piece of junk was turned away with its reason, none thrown.
    expect(new Set(receiver.rejected.map((r) => r.reason))).toEqual(
      new Set(['unsupported-version', 'unknown-session']),
    )
    expect(receiver.rejected).toHaveLength(sent)
  })
})
