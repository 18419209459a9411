import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseDeviceLink } from '@keyroom/room-client'
import { NODE_FROM_SOURCE, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { spawnAgent, writeJson } from './helpers.js'

const cli = (...args: string[]) => [process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', ...args]
const PINS = { outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] }

describe('keyroom-pi pair', () => {
  it("makes a room, prints the Pi's own link, keeps its identity 0600, and run joins it with no link", async () => {
    const config = join(tempDir('keyroom-pi-config-'), 'keyroom')
    const env = { KEYROOM_CONFIG_DIR: config }
    const pair = spawnAgent(cli('pair', '--relay', 'http://127.0.0.1:9', '--name', 'door-pi'), env)
    expect((await pair.exited).code).toBe(0)
    const out = pair.lines.map((l) => String(l.text ?? ''))
    const printed = out.find((t) => t.includes('#v=2'))
    const link = parseDeviceLink(printed ?? '')
    if (!link.ok) throw new Error(`no link in ${out.join('\n')}`)
    const file = join(config, 'devices.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(config).mode & 0o777).toBe(0o700)
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { room: { relay: string; room: string } }
    expect(link.value).toMatchObject({ relay: 'http://127.0.0.1:9', room: stored.room.room, name: 'door-pi' })
    expect(link.value.pairingSecret).toHaveLength(16)
    expect(out.join('\n')).toMatch(/within 10 minutes: the first device to use it is approved/)
    expect(out.join('\n')).toMatch(/keyroom-pi devices approve <code>/)

    const pins = writeJson(join(config, 'pins.json'), PINS)
    const run = spawnAgent(cli('--pins', pins, '--driver', 'sim'), env)
    await vi.waitFor(() => expect(run.lines).toContainEqual({ pin: 17, value: 0, event: 'open' }), {
      timeout: 10_000,
    })
    run.child.kill('SIGTERM')
    expect((await run.exited).code).toBe(0)
  })

  it('says how to pair when the Pi never paired, or paired with an older keyroom', async () => {
    const config = tempDir('keyroom-pi-empty-')
    const pins = writeJson(join(config, 'pins.json'), PINS)
    const run = spawnAgent(cli('--pins', pins, '--driver', 'sim'), { KEYROOM_CONFIG_DIR: config })
    expect((await run.exited).code).toBe(2)
    expect(run.stderr()).toMatch(/this device is not paired: run "keyroom-pi pair --relay URL" first/)
    expect(run.lines).toEqual([])

    writeFileSync(join(config, 'pairing.json'), '{"link":"http://r/#relay=http%3A%2F%2Fr&room=a&key=b"}')
    const older = spawnAgent(cli('--pins', pins, '--driver', 'sim'), { KEYROOM_CONFIG_DIR: config })
    expect((await older.exited).code).toBe(2)
    expect(older.stderr()).toMatch(
      /pairing\.json is from an older keyroom .*pair again with "keyroom-pi pair --relay URL"/,
    )
  })

  it('refuses a link on the command line (it would be in ps and the shell history)', async () => {
    const run = spawnAgent(cli('pair', '--link', 'http://r/#v=2&relay=x'))
    expect((await run.exited).code).toBe(2)
    expect(run.stderr()).toMatch(/--link-file|--link -/)
  })
})
