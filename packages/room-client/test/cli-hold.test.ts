import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { HOLD_LEASE_MS } from '@keyroom/key-events'
import { joinRoom, NODE_FROM_SOURCE, runFromSource, startTestRelay } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createRoom, formatPairingLink } from '../src/pairing-link.js'

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const nodeArgs = [...NODE_FROM_SOURCE, cli]
const run = (...args: string[]) => runFromSource(cli, args, { timeout: 20_000 })

async function roomWithReceiver() {
  const started = await startTestRelay()
  const room = createRoom(started.url)
  const receiver = await joinRoom(room, 'mac-receiver', 'mac')
  const heard: { body: { type: string }; at: number }[] = []
  receiver.on('message', (message) => heard.push({ body: message.body, at: Date.now() }))
  return { link: formatPairingLink(room), room, receiver, heard }
}

/** The longest silence between a hold's down, renewals and up: under the lease, the key never expires. */
const longestGap = (times: number[]) => Math.max(...times.slice(1).map((t, i) => t - (times[i] ?? t)))

describe('keyroom send --hold', () => {
  it('holds a key down for the time given, renewing its lease, then releases it', async () => {
    const { link, heard } = await roomWithReceiver()
    const result = await run('send', '--link', link, '--key', 'KeyW', '--hold', '2500')
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/held KeyW for \d+ ms/)
    expect(result.stdout).toBe('delivered to mac (mac-receiver)\ndelivered to mac (mac-receiver)\n')
    const hold = heard.filter((m) => ['key', 'renew'].includes(m.body.type))
    expect(hold[0]?.body).toEqual({ type: 'key', code: 'KeyW', phase: 'down' })
    expect(hold.at(-1)?.body).toEqual({ type: 'key', code: 'KeyW', phase: 'up' })
    const renewals = hold.slice(1, -1)
    expect(renewals.length).toBeGreaterThanOrEqual(3)
    for (const renewal of renewals) expect(renewal.body).toEqual({ type: 'renew', codes: ['KeyW'] })
    expect((hold.at(-1)?.at ?? 0) - (hold[0]?.at ?? 0)).toBeGreaterThanOrEqual(2500)
    expect(longestGap(hold.map((m) => m.at))).toBeLessThan(HOLD_LEASE_MS)
  }, 30_000)

  it('holds a mouse button, renewing it as a button', async () => {
    const { link, heard } = await roomWithReceiver()
    const result = await run('send', '--link', link, '--button', 'left', '--hold', '1200')
    expect(result.code, result.stderr).toBe(0)
    const bodies = heard.map((m) => m.body).filter((b) => ['button', 'renew'].includes(b.type))
    expect(bodies[0]).toEqual({ type: 'button', button: 'left', phase: 'down' })
    expect(bodies).toContainEqual({ type: 'renew', codes: [], buttons: ['left'] })
    expect(bodies.at(-1)).toEqual({ type: 'button', button: 'left', phase: 'up' })
  }, 30_000)

  it('releases early on SIGINT', async () => {
    const { link, heard } = await roomWithReceiver()
    const sender = spawn(process.execPath, [
      ...nodeArgs,
      'send',
      '--link',
      link,
      '--key',
      'KeyE',
      '--hold',
      '60000',
    ])
    onTestFinished(() => void sender.kill('SIGKILL'))
    await vi.waitFor(
      () => expect(heard.map((m) => m.body)).toContainEqual({ type: 'renew', codes: ['KeyE'] }),
      {
        timeout: 10_000,
      },
    )
    const exited = new Promise<number | null>((resolve) => sender.once('exit', resolve))
    sender.kill('SIGINT')
    expect(await exited).toBe(0)
    const keys = heard.map((m) => m.body).filter((b) => ['key', 'renew'].includes(b.type))
    expect(keys.at(-1)).toEqual({ type: 'key', code: 'KeyE', phase: 'up' })
  }, 30_000)

  it('names what it cannot hold', async () => {
    const link = formatPairingLink(createRoom('http://127.0.0.1:9'))
    for (const [args, message] of [
      [['--text', 'hi', '--hold', '100'], '--hold holds a --key or a --button'],
      [['--key', 'KeyQ', '--hold', 'long'], '--hold takes a time in ms from 1 to 600000, got "long"'],
      [['--key', 'KeyQ', '--hold', '0'], '--hold takes a time in ms from 1 to 600000, got "0"'],
      [['--key', 'KeyQ', '--phase', 'down', '--hold', '100'], 'leave out --phase'],
    ] as const) {
      const result = await run('send', '--link', link, ...args)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(message)
    }
  })
})

describe('keyroom listen', () => {
  it('hides the handshake unless --verbose', async () => {
    const started = await startTestRelay()
    const room = createRoom(started.url)
    const listen = (...flags: string[]) => {
      const child = spawn(process.execPath, [
        ...nodeArgs,
        'listen',
        '--link',
        formatPairingLink(room),
        ...flags,
      ])
      onTestFinished(() => void child.kill())
      const output = { stdout: '', stderr: '' }
      child.stdout.on('data', (d: Buffer) => (output.stdout += d))
      child.stderr.on('data', (d: Buffer) => (output.stderr += d))
      return output
    }
    const quiet = listen()
    const verbose = listen('--verbose')
    await vi.waitFor(() => expect(quiet.stderr + verbose.stderr).toMatch(/listening[\s\S]*listening/), {
      timeout: 10_000,
    })
    const keypad = await joinRoom(room, 'keypad', 'phone')
    await vi.waitFor(() => expect(keypad.peers()).toHaveLength(2))
    await keypad.send({ type: 'key', code: 'KeyZ', phase: 'tap' })
    const types = (text: string) =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { body: { type: string } }).body.type)
    await vi.waitFor(() => expect(types(quiet.stdout)).toContain('key'))
    await vi.waitFor(() => expect(types(verbose.stdout)).toContain('key'))
    expect(types(verbose.stdout)).toContain('hello')
    expect(types(quiet.stdout)).toEqual(['key'])
    expect(quiet.stderr).not.toContain('unverified')
  }, 30_000)
})
