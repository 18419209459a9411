// The agent's log on a terminal is for a person; piped (the journal, a script) it stays JSON.
import { fileURLToPath } from 'node:url'
import {
  joinAsDevice,
  NODE_FROM_SOURCE,
  pairDeviceDir,
  requireBinary,
  spawnProcess,
  startTestRelay,
  waitForDevice,
} from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'

const pins = fileURLToPath(new URL('../pins.example.json', import.meta.url))
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const agentArgs = [...NODE_FROM_SOURCE, main, 'run', '--pins', pins, '--driver', 'sim', '--name', 'pi']

describe('keyroom-pi run on a terminal', () => {
  it('logs "keypad joined" as a line, not JSON; with --json, JSON', async () => {
    const { url } = await startTestRelay()
    // Two agents in one room, each with its own identity (two state dirs, as two Pis).
    const first = pairDeviceDir(url, { name: 'pi' })
    const second = pairDeviceDir(url, { name: 'pi', room: first.link.room })
    const onTerminal = (configDir: string, ...flags: string[]) => {
      const terminal = spawnProcess(
        requireBinary('script'),
        ['-qfec', [process.execPath, ...agentArgs, ...flags].join(' '), '/dev/null'],
        {
          env: { KEYROOM_CONFIG_DIR: configDir, LOG_LEVEL: 'info' },
        },
      )
      // Ctrl+C on that terminal: killing `script` alone would orphan the agent.
      onTestFinished(async () => {
        terminal.child.stdin.write('\x03')
        await terminal.exited
      })
      return terminal
    }
    const human = onTerminal(first.configDir)
    const json = onTerminal(second.configDir, '--json')
    const phone = await joinAsDevice(first.link, 'keypad', 'phone')
    await vi.waitFor(() => expect(phone.peers().filter((p) => p.name === 'pi')).toHaveLength(2), {
      timeout: 20_000,
    })
    await waitForDevice(phone, 'pi')
    await vi.waitFor(() => expect(human.stdout()).toMatch(/\d\d:\d\d:\d\d keypad joined \(peer=phone\)/), {
      timeout: 10_000,
    })
    expect(human.stdout()).not.toContain('"level"')
    await vi.waitFor(() => expect(json.stdout()).toContain('"msg":"keypad joined"'), { timeout: 10_000 })
  }, 40_000)
})
