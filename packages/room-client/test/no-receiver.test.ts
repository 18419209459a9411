// A key action with no receiver to go to is refused with a reason, never reported as sent.
import { joinAsDevice, joinAsReceiver, pairDeviceDir, startTestRelay, waitForDevice } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'

describe('sending with no receiver in the room', () => {
  it('says no-receiver (for keys, and for pointer actions when no receiver drives a pointer); once it is there, sends', async () => {
    const relay = await startTestRelay()
    const paired = pairDeviceDir(relay.url, { name: 'desk' })
    const keypad = await joinAsDevice(paired.link, 'keypad', 'phone')
    expect(await keypad.send({ type: 'key', code: 'KeyA', phase: 'tap' })).toEqual({
      ok: false,
      error: { code: 'no-receiver', message: 'no receiver of this device is in the room (yet)' },
    })
    // The receiver comes: its store approves the keypad that proved the window's secret.
    await joinAsReceiver(paired, 'mac-receiver', 'desk')
    await waitForDevice(keypad, 'desk', 'approved')
    expect(await keypad.send({ type: 'key', code: 'KeyA', phase: 'tap' })).toEqual({ ok: true })
    expect(await keypad.send({ type: 'move', dx: 3, dy: 0 })).toMatchObject({
      ok: false,
      error: { code: 'no-receiver', message: expect.stringContaining('drives a pointer') },
    })
  })
})
