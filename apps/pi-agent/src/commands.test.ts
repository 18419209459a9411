import { type CommandRunner, pairCommand } from '@keyroom/device-kit'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { status, TOOL } from './commands.js'

describe('status', () => {
  it('fails as not paired before pair, then names the room, this Pi and the unit', async () => {
    const output: string[] = []
    const calls: string[][] = []
    const run: CommandRunner = async (file, args) => {
      calls.push([file, ...args])
      return { code: 0, stdout: 'ActiveState=inactive', stderr: '' }
    }
    const ctx = {
      out: (text: string) => void output.push(text),
      configDir: tempDir('keyroom-pi-status-'),
      run,
    }
    expect(await status(ctx)).toMatchObject({
      ok: false,
      error: { code: 'not-paired', message: expect.stringContaining(`${TOOL} pair --relay URL`) },
    })
    expect(output.join('')).toContain('systemd unit: ')
    expect(await pairCommand(TOOL, { kind: 'pair', relay: 'http://127.0.0.1:4000' }, ctx)).toEqual({
      ok: true,
      value: undefined,
    })
    output.length = 0
    expect(await status(ctx)).toEqual({ ok: true, value: undefined })
    const store = openDeviceStore(ctx.configDir)
    expect(output.join('')).toContain(`paired: relay http://127.0.0.1:4000, room ${store.room()?.room}`)
    expect(output.join('')).toContain(`this device's fingerprint: ${store.identity().fingerprint}`)
    expect(output.join('')).toContain(`devices: 0 approved, 0 pending (${TOOL} devices list)`)
    expect(calls).toContainEqual(['systemctl', 'is-active', 'keyroom-pi.service'])
  })
})
