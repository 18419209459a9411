// The README's quick start, run line by line as a person pastes it at the repository root (pnpm through npx).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEFAULT_CONFIG } from '@keyroom/relay'
import { freePort, spawnProcess, startTestRelay } from '@keyroom/test-kit'
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

/** One README line in bash at the root; the relay's port swapped for the test's, `<link>` for the link. */
function paste(command: string, port: number, link = '') {
  const text = command
    .replaceAll(`127.0.0.1:${DEFAULT_CONFIG.port}`, `127.0.0.1:${port}`)
    .replaceAll('<link>', link)
  // Its own process group: npx, pnpm and node under bash all stop with it.
  return spawnProcess('bash', ['-c', text], { cwd: root, detached: true })
}

describe('pi-agent README quick start', () => {
  it("names the relay's real port and the command that starts it", () => {
    expect(line('pnpm@10.34.9 relay')).toMatch(/^npx -y pnpm@10\.34\.9 relay$/)
    expect(line('room new')).toContain(`--relay http://127.0.0.1:${DEFAULT_CONFIG.port} `)
  })

  it('works as written: a room, the sim agent on the example map, and KeyD pulses pin 27', async () => {
    const port = await freePort()
    await startTestRelay({ port })
    const roomNew = paste(line('room new'), port)
    expect(await roomNew.exited, roomNew.stderr()).toBe(0)
    const link = roomNew.stdout().trim().split('\n').at(-1) ?? ''
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#relay=`))

    const agent = paste(line('pi-agent'), port, link)
    await vi.waitFor(() => expect(agent.stdout()).toContain('{"pin":27,"value":0,"event":"open"}'), {
      timeout: 30_000,
    })
    // pnpm echoes the script's arguments: the room key must not be among them.
    expect(agent.stdout() + agent.stderr()).not.toContain('key=')

    const send = paste(line('keyroom send'), port, link)
    expect(await send.exited, send.stderr()).toBe(0)
    expect(send.stdout()).toContain('(pi-agent)')
    await vi.waitFor(() => expect(agent.stdout()).toContain('{"pin":27,"value":1,"event":"write"}'))
    await vi.waitFor(() =>
      expect(agent.stdout().split('{"pin":27,"value":1,"event":"write"}')[1]).toContain(
        '{"pin":27,"value":0,"event":"write"}',
      ),
    )
  }, 120_000)
})
