// The agent's log on a terminal is for a person; piped (the journal, a script) it stays JSON.
import { fileURLToPath } from 'node:url'
import { createRoom, formatPairingLink } from '@keyroom/room-client'
import {
  joinRoom,
  NODE_FROM_SOURCE,
  requireBinary,
  spawnProcess,
  startTestRelay,
  waitForPeer,
} from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'

const pins = fileURLToPath(new URL('../pins.example.json', import.meta.url))
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const agentArgs = [...NODE_FROM_SOURCE, main, 'run', '--pins', pins, '--driver', 'sim', '--name', 'pi']

describe('keyroom-pi run on a terminal', () => {
  it('logs "keypad joined" as a line, not JSON; with --json, JSON', async () => {
    const { url } = await startTestRelay()
    const room = createRoom(url)
    const onTerminal = (...flags: string[]) => {
      const terminal = spawnProcess(
        requireBinary('script'),
        ['-qfec', [process.execPath, ...agentArgs, ...flags].join(' '), '/dev/null'],
        {
          env: { KEYROOM_LINK: formatPairingLink(room), LOG_LEVEL: 'info' },
        },
      )
      // Ctrl+C on that terminal: killing `script` alone would orphan the agent.
      onTestFinished(async () => {
        terminal.child.stdin.write('\x03')
        await terminal.exited
      })
      return terminal
    }
    const human = onTerminal()
    const json = onTerminal('--json')
    const phone = await joinRoom(room, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers().filter((p) => p.name === 'pi')).toHaveLength(2), {
      timeout: 20_000,
    })
    await waitForPeer(phone, 'pi')
    await vi.waitFor(() => expect(human.stdout()).toMatch(/\d\d:\d\d:\d\d keypad joined \(peer=phone\)/), {
      timeout: 10_000,
    })
    expect(human.stdout()).not.toContain('"level"')
    await vi.waitFor(() => expect(json.stdout()).toContain('"msg":"keypad joined"'), { timeout: 10_000 })
  }, 40_000)
})
