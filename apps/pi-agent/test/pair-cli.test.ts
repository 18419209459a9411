import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parsePairingLink } from '@keyroom/room-client'
import { NODE_FROM_SOURCE, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { spawnAgent, writeJson } from './helpers.js'

describe('keyroom-pi pair', () => {
  it('creates a room, prints its link, stores it 0600, and run uses it without --link', async () => {
    const config = join(tempDir('keyroom-pi-config-'), 'keyroom')
    const env = { KEYROOM_CONFIG_DIR: config }
    const pair = spawnAgent(
      [process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', 'pair', '--relay', 'http://127.0.0.1:9'],
      env,
    )
    expect((await pair.exited).code).toBe(0)
    const printed = pair.lines.map((l) => String(l.text ?? '')).find((t) => t.includes('#relay='))
    expect(printed).toBeDefined()
    const file = join(config, 'pairing.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(config).mode & 0o777).toBe(0o700)
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { link: string }
    const link = parsePairingLink(stored.link)
    expect(link.ok && link.value.relay).toBe('http://127.0.0.1:9')
    expect(printed).toContain(stored.link.split('#')[1])

    const pins = writeJson(join(config, 'pins.json'), { outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] })
    const run = spawnAgent(
      [process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', '--pins', pins, '--driver', 'sim'],
      env,
    )
    await vi.waitFor(() => expect(run.lines).toContainEqual({ pin: 17, value: 0, event: 'open' }), {
      timeout: 10_000,
    })
    run.child.kill('SIGTERM')
    expect((await run.exited).code).toBe(0)
  })

  it('says how to pair when there is no pairing and no link', async () => {
    const config = tempDir('keyroom-pi-empty-')
    const pins = writeJson(join(config, 'pins.json'), { outputs: [{ key: 'KeyL', pin: 17, mode: 'hold' }] })
    const run = spawnAgent(
      [process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', '--pins', pins, '--driver', 'sim'],
      {
        KEYROOM_CONFIG_DIR: config,
        KEYROOM_LINK: undefined,
      },
    )
    expect((await run.exited).code).toBe(2)
    expect(run.stderr()).toMatch(/no pairing in .*pairing\.json: run "keyroom-pi pair" or pass --link/)
  })
})
