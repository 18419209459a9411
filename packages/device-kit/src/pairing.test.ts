import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseDeviceLink } from '@keyroom/room-client'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { deviceName, pair, pairedRoom } from './pairing.js'

const options = (configDir: string, printed: string[]) => ({
  tool: 'keyroom-test',
  configDir,
  defaultName: 'desk',
  out: (text: string) => printed.push(text),
  now: () => 1_000_000,
})

describe('pair', () => {
  it('makes a room on the relay, opens a window and prints a link with this device key and a pairing secret', async () => {
    const dir = tempDir()
    const printed: string[] = []
    const paired = await pair(
      { kind: 'pair', relay: 'http://127.0.0.1:9', windowSeconds: 90 },
      options(dir, printed),
    )
    if (!paired.ok) throw new Error(paired.error.message)
    const store = openDeviceStore(dir)
    expect(store.room()).toEqual({ relay: 'http://127.0.0.1:9', room: paired.value.room })
    expect(store.read().pairing).toMatchObject({ until: 1_000_000 + 90_000, used: false })
    const text = printed.join('')
    const link = text.split('\n').find((line) => line.includes('#v='))
    const parsed = parseDeviceLink(link ?? '')
    if (!parsed.ok) throw new Error(parsed.error.message)
    expect(parsed.value.peer).toEqual(store.identity().publicKey)
    expect(parsed.value.name).toBe('desk')
    expect(parsed.value.pairingSecret).toHaveLength(16)
    expect(text).toContain('within 90 seconds')
    expect(text).toContain(store.identity().fingerprint)
    expect(text).toContain('keyroom-test devices approve <code>')
  })

  it("joins the room of another device's link, with its own key and window", async () => {
    const mac = tempDir()
    const first = await pair({ kind: 'pair', relay: 'http://127.0.0.1:9' }, options(mac, []))
    if (!first.ok) throw new Error(first.error.message)
    const pi = tempDir()
    const printed: string[] = []
    const second = await pair(
      { kind: 'pair', link: { kind: 'env', text: formatted(mac) }, name: 'pi' },
      options(pi, printed),
    )
    if (!second.ok) throw new Error(second.error.message)
    expect(second.value.room).toBe(first.value.room)
    expect(second.value.peer).toEqual(openDeviceStore(pi).identity().publicKey)
    expect(second.value.name).toBe('pi')
    expect(printed.join('')).toContain('within 10 minutes')
  })

  it('keeps the name pair was given: run and a later pair use it unless --name says otherwise', async () => {
    const dir = tempDir()
    expect(deviceName(dir, undefined, 'host')).toBe('host')
    await pair({ kind: 'pair', relay: 'http://127.0.0.1:9', name: 'door-pi' }, options(dir, []))
    expect(deviceName(dir, undefined, 'host')).toBe('door-pi')
    expect(deviceName(dir, 'other', 'host')).toBe('other')
    const again = await pair({ kind: 'pair' }, options(dir, []))
    if (!again.ok) throw new Error(again.error.message)
    expect(again.value.name).toBe('door-pi')
  })

  it('reopens a window in the room it is in; names each way it cannot pair', async () => {
    const dir = tempDir()
    const none = await pair({ kind: 'pair' }, options(dir, []))
    expect(none).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('--relay') },
    })
    expect(await pair({ kind: 'pair', relay: 'ftp://x' }, options(dir, []))).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('relay "ftp://x" is not usable') },
    })
    expect(
      await pair(
        { kind: 'pair', link: { kind: 'env', text: 'https://r/#relay=x&room=y&key=z' } },
        options(dir, []),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('older keyroom') },
    })
    const first = await pair({ kind: 'pair', relay: 'http://127.0.0.1:9' }, options(dir, []))
    const again = await pair({ kind: 'pair', windowSeconds: 30 }, options(dir, []))
    if (!first.ok || !again.ok) throw new Error('not paired')
    expect(again.value.room).toBe(first.value.room)
    expect(again.value.pairingSecret).not.toEqual(first.value.pairingSecret)
  })
})

describe('pairedRoom', () => {
  it('says how to pair a device never paired, and that a v1 pairing is from an older keyroom', () => {
    const dir = tempDir()
    expect(pairedRoom({ tool: 'keyroom-test', configDir: dir })).toMatchObject({
      ok: false,
      error: {
        code: 'usage',
        message: 'this device is not paired: run "keyroom-test pair --relay URL" first',
      },
    })
    writeFileSync(join(dir, 'pairing.json'), '{"link":"http://r/#relay=x&room=y&key=z"}')
    expect(pairedRoom({ tool: 'keyroom-test', configDir: dir })).toMatchObject({
      ok: false,
      error: {
        message: expect.stringContaining('is from an older keyroom (one key for everyone): pair again'),
      },
    })
    openDeviceStore(dir).setRoom({ relay: 'http://127.0.0.1:9', room: 'Qm9vb29vb29vb29vb29vbw' })
    expect(pairedRoom({ tool: 'keyroom-test', configDir: dir })).toEqual({ ok: true, value: undefined })
  })
})

/** The link a device's store would print (room and relay are all another device needs to join). */
function formatted(dir: string): string {
  const room = openDeviceStore(dir).room()
  return `http://127.0.0.1:9/#v=2&relay=${encodeURIComponent(room?.relay ?? '')}&room=${room?.room}`
}
