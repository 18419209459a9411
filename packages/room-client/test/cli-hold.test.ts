import { HOLD_LEASE_MS } from '@keyroom/key-events'
import { joinAsDevice, pairDeviceDir, startTestRelay } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { cliComputer } from './cli-computer.js'

/** A receiver as its `pair` and `run` leave it, and this computer's CLI paired with it inside its window. */
async function roomWithReceiver() {
  const started = await startTestRelay()
  const paired = pairDeviceDir(started.url, { name: 'mac' })
  const receiver = await joinAsDevice({ relay: started.url, room: paired.link.room }, 'mac-receiver', 'mac', {
    identity: paired.store.identity(),
    gate: paired.store.gate(),
    caps: { inject: true, pointer: true },
  })
  const heard: { body: { type: string }; at: number }[] = []
  receiver.on('message', (message) => heard.push({ body: message.body, at: Date.now() }))
  const me = cliComputer()
  const pairing = await me.pair(paired.link)
  expect(pairing.code, pairing.stderr).toBe(0)
  return {
    run: me.run,
    spawn: me.spawn,
    receiver,
    heard,
  }
}

/** The longest silence between a hold's down, renewals and up: under the lease, the key never expires. */
const longestGap = (times: number[]) => Math.max(...times.slice(1).map((t, i) => t - (times[i] ?? t)))

describe('keyroom send --hold', () => {
  it('holds a key down for the time given, renewing its lease, then releases it', async () => {
    const { run, heard } = await roomWithReceiver()
    const result = await run('send', '--key', 'KeyW', '--hold', '2500')
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
    const { run, heard } = await roomWithReceiver()
    const result = await run('send', '--button', 'left', '--hold', '1200')
    expect(result.code, result.stderr).toBe(0)
    const bodies = heard.map((m) => m.body).filter((b) => ['button', 'renew'].includes(b.type))
    expect(bodies[0]).toEqual({ type: 'button', button: 'left', phase: 'down' })
    expect(bodies).toContainEqual({ type: 'renew', codes: [], buttons: ['left'] })
    expect(bodies.at(-1)).toEqual({ type: 'button', button: 'left', phase: 'up' })
  }, 30_000)

  it('releases early on SIGINT', async () => {
    const { spawn, heard } = await roomWithReceiver()
    const sender = spawn('send', '--key', 'KeyE', '--hold', '60000')
    await vi.waitFor(
      () => expect(heard.map((m) => m.body)).toContainEqual({ type: 'renew', codes: ['KeyE'] }),
      { timeout: 10_000 },
    )
    sender.signal('SIGINT')
    expect(await sender.exited).toBe(0)
    const keys = heard.map((m) => m.body).filter((b) => ['key', 'renew'].includes(b.type))
    expect(keys.at(-1)).toEqual({ type: 'key', code: 'KeyE', phase: 'up' })
  }, 30_000)

  it('names what it cannot hold, before it looks for a pairing', async () => {
    // Not paired: every error here is about the flags.
    const { run } = cliComputer()
    for (const [args, message] of [
      [['--text', 'hi', '--hold', '100'], '--hold holds a --key or a --button'],
      [['--key', 'KeyQ', '--hold', 'long'], '--hold takes a time in ms from 1 to 600000, got "long"'],
      [['--key', 'KeyQ', '--hold', '0'], '--hold takes a time in ms from 1 to 600000, got "0"'],
      [
        ['--key', 'KeyQ', '--phase', 'down', '--hold', '100'],
        '--hold presses and releases by itself: leave out --phase',
      ],
    ] as const) {
      const result = await run('send', ...args)
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(`keyroom: ${message}\n`)
    }
  })
})

describe('keyroom listen', () => {
  it('prints verdicts; --verbose also who comes and goes', async () => {
    const { spawn } = await roomWithReceiver()
    const quiet = spawn('listen')
    const verbose = spawn('listen', '--verbose')
    const types = (lines: Record<string, unknown>[]) => lines.map((l) => (l.body as { type: string }).type)
    await vi.waitFor(() => expect(types(quiet.jsonLines())).toEqual(['status']), { timeout: 15_000 })
    await vi.waitFor(() => expect(verbose.stderr()).toContain('in the room: mac (mac-receiver, '), {
      timeout: 15_000,
    })
    expect(quiet.stderr()).toContain('approved by mac (mac-receiver')
    expect(quiet.stderr()).not.toContain('in the room:')
  }, 30_000)
})
