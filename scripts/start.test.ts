// The README's first command: `pnpm start` runs the relay, the keypad and a receiver on one laptop.
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDeviceLink } from '@keyroom/room-client'
import { freePort, joinAsDevice, NODE_FROM_SOURCE, spawnProcess } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** `pnpm start` from source on `port`, with a state dir of its own (and its keypad build inside it). */
function startOn(port: number, env: Record<string, string> = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'keyroom-start-'))
  const start = spawnProcess(process.execPath, [...NODE_FROM_SOURCE, 'scripts/start.ts'], {
    cwd: root,
    env: {
      PORT: String(port),
      KEYROOM_START_DIR: stateDir,
      KEYROOM_KEYPAD_DIR: join(stateDir, 'keypad'),
      ...env,
    },
  })
  return { start, stateDir }
}

describe('pnpm start', () => {
  it("serves the keypad, prints the receiver's link, approves the keypad that opens it, types what it sends, and stops on SIGTERM", async () => {
    const port = await freePort()
    const { start, stateDir } = startOn(port, { KEYROOM_DRIVER: 'log' })

    const linkLine = await vi.waitFor(
      () => {
        const line = start
          .stdout()
          .split('\n')
          .find((l) => l.startsWith(`http://127.0.0.1:${port}/#v=2&relay=`))
        if (!line) throw new Error(`no pairing link yet:\n${start.stdout()}\n${start.stderr()}`)
        return line.trim()
      },
      { timeout: 120_000, interval: 250 },
    )
    expect(start.stdout()).toContain(`keyroom is running: relay and keypad on http://127.0.0.1:${port}`)
    expect(start.stdout()).toContain('within 10 minutes: the first device to open it is approved')
    expect(start.stdout()).toContain(
      `KEYROOM_CONFIG_DIR=${join(stateDir, 'receiver')} npx -y pnpm@10.34.9 receiver devices approve`,
    )

    // The relay serves the keypad the link opens.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('<div id="root">')

    // A keypad opens the link inside the window, is approved by the receiver and taps Q: the log driver prints it.
    const link = parseDeviceLink(linkLine)
    if (!link.ok) throw new Error(link.error.message)
    const keypad = await joinAsDevice(link.value, 'keypad', 'test phone')
    await vi.waitFor(
      () =>
        expect(keypad.peers()).toContainEqual(
          expect.objectContaining({
            role: 'mac-receiver',
            status: expect.objectContaining({ state: 'approved' }),
          }),
        ),
      { timeout: 20_000 },
    )
    expect(await keypad.send({ type: 'key', code: 'KeyQ', phase: 'tap' })).toEqual({ ok: true })
    await vi.waitFor(() => expect(start.jsonLines()).toContainEqual({ action: 'down', code: 'KeyQ' }), {
      timeout: 10_000,
    })

    start.child.kill('SIGTERM')
    expect(await start.exited).toBe(0)
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  }, 180_000)

  it('says in one line that the port is busy, before building or starting anything', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => void busy.close())
    const address = busy.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const { start } = startOn(address.port)
    expect(await start.exited).toBe(1)
    expect(start.stderr().trim()).toBe(
      `keyroom did not start: port ${address.port} on 127.0.0.1 is in use (another pnpm start?); pick another: PORT=${address.port + 1} pnpm start`,
    )
    expect(start.stdout()).not.toContain('keyroom is running')
  }, 60_000)

  it('says in one line that the receiver refused a bad driver, and never that it is running', async () => {
    const port = await freePort()
    const { start } = startOn(port, { KEYROOM_DRIVER: 'typewriter' })
    expect(await start.exited).toBe(1)
    const lines = start.stderr().trim().split('\n')
    expect(lines.at(-1), start.stderr()).toMatch(
      /^keyroom did not start: the receiver exited: keyroom-receiver: .*typewriter/,
    )
    expect(lines.filter((line) => line.startsWith('keyroom did not start'))).toHaveLength(1)
    expect(start.stdout()).not.toContain('keyroom is running')
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  }, 180_000)
})
