import { fileURLToPath } from 'node:url'
import {
  joinRoom,
  keyActions,
  NODE_FROM_SOURCE,
  runFromSource,
  type Spawned,
  spawnProcess,
  startTestRelay,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { createRoom, formatPairingLink, parsePairingLink } from '../src/pairing-link.js'

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const run = (...args: string[]) => runFromSource(cli, args)

/** `keyroom listen` in a fresh room, once it says it is listening. */
async function listening(...flags: string[]) {
  const { url } = await startTestRelay()
  const room = createRoom(url)
  const listener = spawnProcess(process.execPath, [
    ...NODE_FROM_SOURCE,
    cli,
    'listen',
    ...flags,
    '--link',
    formatPairingLink(room),
  ])
  await vi.waitFor(() => expect(listener.stderr()).toContain('listening'), { timeout: 10_000 })
  return { room, listener }
}

/** What `keyroom listen` printed: one JSON line per message. */
const printed = (listener: Spawned) =>
  listener
    .lines()
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { body: unknown })

describe('the keyroom command', () => {
  it('room new prints a pairing link alone on its last line', async () => {
    const { url } = await startTestRelay()
    const { code, stdout } = await run('room', 'new', '--relay', url.replace('http:', 'ws:'))
    expect(code).toBe(0)
    const last = stdout.trim().split('\n').at(-1) ?? ''
    const parsed = parsePairingLink(last)
    expect(parsed.ok && parsed.value.relay).toBe(url)
    expect(stdout.split('\n').length).toBeGreaterThan(10) // the QR code came first
  })

  it('room new refuses a relay that does not answer, and prints no link', async () => {
    const started = await startTestRelay()
    const url = started.url
    await started.close()
    const { code, stdout, stderr } = await run('room', 'new', '--relay', url, '--timeout', '3000')
    expect(code).toBe(1)
    expect(stdout).not.toContain('#relay=')
    expect(stderr).toContain(`keyroom: the relay at ${url} did not answer ${url}/healthz (`)
  })

  it('send delivers text, a key and a chord to the room', async () => {
    const { url } = await startTestRelay()
    const room = createRoom(url)
    const receiver = await joinRoom(room, 'mac-receiver', 'mac')
    const link = formatPairingLink(room)
    for (const args of [
      ['--text', 'hello'],
      ['--key', 'KeyQ', '--phase', 'down'],
      ['--chord', 'Meta+KeyC'],
      ['--move', '40,-10'],
      ['--move=-5,3'],
      ['--click', 'right'],
      ['--scroll', '0,120'],
      ['--button', 'left', '--phase', 'down'],
      ['--button', 'left', '--phase', 'up'],
    ]) {
      const result = await run('send', '--link', link, ...args)
      expect(result.stderr).toContain('sent')
      expect(result.code).toBe(0)
    }
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([
        { type: 'text', text: 'hello' },
        { type: 'key', code: 'KeyQ', phase: 'down' },
        { type: 'chord', modifiers: ['MetaLeft'], code: 'KeyC' },
        { type: 'move', dx: 40, dy: -10 },
        { type: 'move', dx: -5, dy: 3 },
        { type: 'button', button: 'right', phase: 'click' },
        { type: 'scroll', dx: 0, dy: 120 },
        { type: 'button', button: 'left', phase: 'down' },
        { type: 'button', button: 'left', phase: 'up' },
      ]),
    )
  }, 60_000)

  it('exits non-zero with the reason on a bad link, a bad key or an unreachable relay', async () => {
    const badLink = await run('send', '--link', 'https://x/#room=abc', '--text', 'hi')
    expect(badLink.code).toBe(1)
    expect(badLink.stderr).toContain('bad --link: the pairing link has no relay=')

    const link = formatPairingLink(createRoom('http://127.0.0.1:9'))
    const badKey = await run('send', '--link', link, '--key', 'KeyQQ')
    expect(badKey.code).toBe(1)
    expect(badKey.stderr).toContain('code')

    const unreachable = await run('send', '--link', link, '--text', 'hi', '--timeout', '1500')
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toContain('cannot reach relay http://127.0.0.1:9')
  })

  it('listen prints verified messages as JSON lines and rejections on stderr', async () => {
    const { room, listener } = await listening()
    const keypad = await joinRoom(room, 'keypad', 'phone')
    await vi.waitFor(() => expect(keypad.peers().map((p) => p.name)).toEqual(['keyroom-listen']))
    await keypad.send({ type: 'key', code: 'KeyZ', phase: 'tap' })
    await vi.waitFor(() =>
      expect(printed(listener).map((l) => l.body)).toContainEqual({
        type: 'key',
        code: 'KeyZ',
        phase: 'tap',
      }),
    )
    // The phone's hello came before its key; without --all the room's upkeep is not printed.
    const types = printed(listener).map((l) => (l.body as { type: string }).type)
    expect(types.filter((t) => ['hello', 'ping', 'pong', 'receipt', 'renew'].includes(t))).toEqual([])
  })

  it('listen --all prints the room upkeep too (the phone hello)', async () => {
    const { room, listener } = await listening('--all')
    await joinRoom(room, 'keypad', 'phone')
    await vi.waitFor(() =>
      expect(printed(listener).map((l) => (l.body as { type: string }).type)).toContain('hello'),
    )
  })
})
