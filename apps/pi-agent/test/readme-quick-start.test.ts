// The README's quick start, run line by line as a person pastes it at the repository root (pnpm through npx).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEFAULT_CONFIG } from '@keyroom/relay'
import { parseDeviceLink } from '@keyroom/room-client'
import {
  freePort,
  joinAsDevice,
  spawnProcess,
  startTestRelay,
  tempDir,
  waitForDevice,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
/** The block's commands, without their trailing comments. */
const lines = quickStart
  .split('\n')
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter(Boolean)
const line = (part: string) => lines.find((l) => l.includes(part)) ?? `(no line with ${part})`

/** One README line in bash at the root, the relay's port swapped for the test's, with the Pi's state dir. */
function paste(command: string, port: number, configDir: string) {
  const text = command.replaceAll(`127.0.0.1:${DEFAULT_CONFIG.port}`, `127.0.0.1:${port}`)
  // Its own process group: npx, pnpm and node under bash all stop with it.
  return spawnProcess('bash', ['-c', text], {
    cwd: root,
    detached: true,
    env: { KEYROOM_CONFIG_DIR: configDir },
  })
}

describe('pi-agent README quick start', () => {
  it("names the relay's real port and the command that starts it", () => {
    expect(line('pnpm@10.34.9 relay')).toMatch(/^npx -y pnpm@10\.34\.9 relay$/)
    expect(line(' pair ')).toContain(`--relay http://127.0.0.1:${DEFAULT_CONFIG.port} `)
  })

  it('works as written: pair, the sim agent on the example map, a keypad from the link, and KeyD pulses pin 27', async () => {
    const port = await freePort()
    await startTestRelay({ port })
    const configDir = tempDir('keyroom-pi-readme-')
    const pair = paste(line(' pair '), port, configDir)
    expect(await pair.exited, pair.stderr()).toBe(0)
    const printed =
      pair
        .stdout()
        .split('\n')
        .find((l) => l.includes('#v=2')) ?? ''
    const link = parseDeviceLink(printed.trim())
    if (!link.ok) throw new Error(`no link in ${pair.stdout()}`)
    expect(link.value).toMatchObject({ relay: `http://127.0.0.1:${port}`, name: 'door-pi' })

    const agent = paste(line('--driver sim'), port, configDir)
    await vi.waitFor(() => expect(agent.stdout()).toContain('{"pin":27,"value":0,"event":"open"}'), {
      timeout: 30_000,
    })
    // The keypad opening the link within the window.
    const keypad = await joinAsDevice(link.value, 'keypad', 'phone')
    await waitForDevice(keypad, 'door-pi', 'approved', 30_000)
    await keypad.send({ type: 'key', code: 'KeyD', phase: 'tap' })
    await vi.waitFor(() => expect(agent.stdout()).toContain('{"pin":27,"value":1,"event":"write"}'))
    await vi.waitFor(() =>
      expect(agent.stdout().split('{"pin":27,"value":1,"event":"write"}')[1]).toContain(
        '{"pin":27,"value":0,"event":"write"}',
      ),
    )
  }, 120_000)
})
