import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type DeviceMember,
  joinAsDevice,
  joinAsReceiver,
  keyActions,
  type PairedDevice,
  pairDeviceDir,
  runFromSource,
  startTestRelay,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { formatDeviceLink } from '../src/device-link.js'
import { LINK_ON_ARGV } from '../src/link-input.js'
import { CLI_ENTRY, cliComputer } from './cli-computer.js'

/** A receiver as `keyroom-receiver pair` leaves it and `run` joins: its device store is its gate. */
async function receiverIn(
  relay: string,
  options: { name?: string; room?: string; windowSeconds?: number } = {},
): Promise<{ paired: PairedDevice; receiver: DeviceMember }> {
  const name = options.name ?? 'Mac'
  const paired = pairDeviceDir(relay, { ...options, name })
  const receiver = await joinAsReceiver(paired, name === 'Pi' ? 'pi-agent' : 'mac-receiver', name, {
    caps: { inject: true, pointer: true },
  })
  return { paired, receiver }
}

describe('keyroom pair', () => {
  it('inside the window: shows the receiver, is approved, and send delivers', async () => {
    const { url } = await startTestRelay()
    const { paired, receiver } = await receiverIn(url)
    const me = cliComputer()
    const paired1 = await me.pair(paired.link, '--name', 'laptop-cli')
    expect(paired1.code, paired1.stderr).toBe(0)
    const fingerprint = paired.store.identity().fingerprint
    expect(paired1.stderr).toContain(`receiver: Mac, fingerprint ${fingerprint}`)
    expect(paired1.stderr).toContain(
      `this device: laptop-cli, fingerprint ${me.store().identity().fingerprint}`,
    )
    expect(paired1.stderr).toContain(`approved by Mac (mac-receiver, ${fingerprint})`)
    expect(paired.store.devices()).toMatchObject([
      { name: 'laptop-cli', state: 'approved', via: 'pairing-window' },
    ])
    // The used single-use secret is not kept on disk.
    expect(me.store().trusted()).toEqual([{ key: paired.link.peer, name: 'Mac' }])

    for (const args of [
      ['--text', 'hello'],
      ['--key', 'KeyQ', '--phase', 'down'],
      ['--chord', 'Meta+KeyC'],
      ['--move', '40,-10'],
      ['--click', 'right'],
      ['--button', 'left', '--phase', 'down'],
      ['--button', 'left', '--phase', 'up'],
    ]) {
      const sent = await me.run('send', ...args)
      expect(sent.code, sent.stderr).toBe(0)
      expect(sent.stderr).toContain('sent')
      if (args[0] !== '--move') expect(sent.stdout).toBe('delivered to Mac (mac-receiver)\n')
    }
    await vi.waitFor(() =>
      expect(keyActions(receiver.received)).toEqual([
        { type: 'text', text: 'hello' },
        { type: 'key', code: 'KeyQ', phase: 'down' },
        { type: 'chord', modifiers: ['MetaLeft'], code: 'KeyC' },
        { type: 'move', dx: 40, dy: -10 },
        { type: 'button', button: 'right', phase: 'click' },
        { type: 'button', button: 'left', phase: 'down' },
        { type: 'button', button: 'left', phase: 'up' },
      ]),
    )
    expect(receiver.received.every((m) => m.device.name === 'laptop-cli')).toBe(true)
  }, 90_000)

  it('after the window: prints the pending code; approved in the receiver store, send works', async () => {
    const { url } = await startTestRelay()
    const { paired } = await receiverIn(url, { windowSeconds: 0 })
    const me = cliComputer()
    const pending = await me.pair(paired.link)
    expect(pending.code, pending.stderr).toBe(3)
    const [device] = paired.store.devices()
    expect(device?.state).toBe('pending')
    const code = device?.code ?? ''
    expect(pending.stderr).toContain(
      `pending on Mac (mac-receiver, ${paired.store.identity().fingerprint}): it shows the code ${code}`,
    )
    expect(pending.stderr).toContain(`approve it there with: keyroom-receiver devices approve ${code}`)
    expect(pending.stderr).toContain('keyroom: Mac has not approved this device yet')

    const refused = await me.run('send', '--text', 'too early')
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain(`it shows the code ${code}`)

    expect(paired.store.approve(code).ok).toBe(true)
    const sent = await me.run('send', '--text', 'now')
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stderr).toContain('approved by Mac')
  }, 60_000)

  it('a revoked device gets a clear refusal, also while listening', async () => {
    const { url } = await startTestRelay()
    const { paired, receiver } = await receiverIn(url)
    const me = cliComputer()
    expect((await me.pair(paired.link)).code).toBe(0)
    const listener = me.spawn('listen')
    await vi.waitFor(() => expect(listener.stderr()).toContain('approved by Mac'), { timeout: 15_000 })

    const fingerprint = me.store().identity().fingerprint
    expect(paired.store.revoke(fingerprint).ok).toBe(true)
    receiver.reconsider() // what device-kit's store watcher does when `devices revoke` ran
    await vi.waitFor(() => expect(listener.stderr()).toContain('revoked by Mac'), { timeout: 10_000 })
    expect(listener.jsonLines().map((l) => (l.body as { state?: string }).state)).toContain('revoked')

    const refused = await me.run('send', '--key', 'KeyA')
    expect(refused.code).toBe(4)
    expect(refused.stderr).toContain(
      `revoked by Mac (mac-receiver, ${paired.store.identity().fingerprint}): it refuses everything from this device`,
    )
    expect(refused.stderr).toContain('keyroom: Mac has revoked this device')
    expect(keyActions(receiver.received)).toEqual([])
  }, 60_000)

  it('a second receiver of the same room is added (a mixed room), and send reaches both', async () => {
    const { url } = await startTestRelay()
    const mac = await receiverIn(url)
    const pi = await receiverIn(url, { name: 'Pi', room: mac.paired.link.room })
    const me = cliComputer()
    expect((await me.pair(mac.paired.link)).code).toBe(0)
    const second = await me.pair(pi.paired.link)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain('approved by Pi (pi-agent')
    expect(second.stderr).toContain('keyroom send now types on Pi and 1 other receiver(s) of this room')
    expect(
      me
        .store()
        .trusted()
        .map((t) => t.name),
    ).toEqual(['Mac', 'Pi'])
    const sent = await me.run('send', '--key', 'KeyB')
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stdout.split('\n').sort()).toEqual([
      '',
      'delivered to Mac (mac-receiver)',
      'delivered to Pi (pi-agent)',
    ])
    for (const receiver of [mac.receiver, pi.receiver])
      await vi.waitFor(() =>
        expect(keyActions(receiver.received)).toEqual([{ type: 'key', code: 'KeyB', phase: 'tap' }]),
      )
  }, 90_000)

  it('takes the link from stdin and from $KEYROOM_LINK', async () => {
    const { url } = await startTestRelay()
    const { paired } = await receiverIn(url)
    const me = cliComputer()
    const viaStdin = me.spawn('pair', '--link', '-')
    viaStdin.child.stdin.end(`${formatDeviceLink(paired.link)}\n`)
    expect(await viaStdin.exited, viaStdin.stderr()).toBe(0)
    expect(viaStdin.stderr()).toContain('approved by Mac')

    const other = await receiverIn(url, { name: 'Studio' })
    const viaEnv = await runFromSource(CLI_ENTRY, ['pair'], {
      env: { KEYROOM_CONFIG_DIR: me.config, KEYROOM_LINK: formatDeviceLink(other.paired.link) },
    })
    expect(viaEnv.code, viaEnv.stderr).toBe(0)
    // Another room: the CLI moves there and forgets the first room's receiver.
    expect(viaEnv.stderr).toContain(`left the room of Mac on ${url} for this one`)
    expect(
      me
        .store()
        .trusted()
        .map((t) => t.name),
    ).toEqual(['Studio'])
  }, 60_000)

  it('a receiver that is not running stays trusted with its secret, and the next send pairs', async () => {
    const { url } = await startTestRelay()
    const paired = pairDeviceDir(url, { name: 'Mac' })
    const me = cliComputer()
    const absent = await me.pair(paired.link, '--timeout', '3000')
    expect(absent.code).toBe(1)
    expect(absent.stderr).toContain('Mac is not in the room now (is it running?). It is trusted')
    expect(me.store().trusted()[0]?.pairingSecret).toBeDefined()

    const receiver = await joinAsDevice({ relay: url, room: paired.link.room }, 'mac-receiver', 'Mac', {
      identity: paired.store.identity(),
      gate: paired.store.gate(),
      caps: { inject: true },
    })
    const sent = await me.run('send', '--text', 'late')
    expect(sent.code, sent.stderr).toBe(0)
    expect(sent.stderr).toContain('approved by Mac')
    expect(me.store().trusted()[0]?.pairingSecret).toBeUndefined()
    await vi.waitFor(() => expect(keyActions(receiver.received)).toEqual([{ type: 'text', text: 'late' }]))
  }, 60_000)
})

describe('keyroom refuses, with the reason and its exit code', () => {
  it('a v1 link (older keyroom), a broken link, a link without a receiver', async () => {
    const me = cliComputer()
    const file = join(me.config, 'link.txt')
    const cases: [string, string][] = [
      [
        'https://k.example/#relay=https%3A%2F%2Fk.example&room=abc&key=def',
        'bad link: this link is from an older keyroom: pair again',
      ],
      ['https://k.example/#v=2&room=abc', 'bad link: the pairing link has no relay= in its fragment'],
      [
        formatDeviceLink({ relay: 'http://127.0.0.1:9', room: 'AAAAAAAAAAAAAAAAAAAAAA' }),
        'this link names no receiver (no peer=)',
      ],
    ]
    for (const [link, message] of cases) {
      writeFileSync(file, link)
      const result = await me.run('pair', '--link-file', file)
      expect(result.code, link).toBe(2)
      expect(result.stderr).toContain(message)
    }
    expect(me.store().trusted()).toEqual([])
  })

  it('a link on argv, for pair and for send, without echoing it', async () => {
    const me = cliComputer()
    const link = formatDeviceLink({ relay: 'http://127.0.0.1:9', room: 'AAAAAAAAAAAAAAAAAAAAAA' })
    const onArgv = await me.run('pair', '--link', link)
    expect(onArgv.code).toBe(2)
    expect(onArgv.stderr).toBe(`keyroom: ${LINK_ON_ARGV}\n`)
    const toSend = await me.run('send', '--link', link, '--text', 'hi')
    expect(toSend.code).toBe(2)
    expect(toSend.stderr).toContain('send takes no link: pair once with keyroom pair --link-file PATH')
    expect(toSend.stderr).not.toContain('127.0.0.1')

    writeFileSync(join(me.config, 'link.txt'), link)
    const badName = await me.run('pair', '--link-file', join(me.config, 'link.txt'), '--name', 'cli\u001b[2J')
    expect(badName.code).toBe(2)
    expect(badName.stderr).toContain('--name: a name may not contain U+001B')
  })

  it('send before pairing, a bad key, room new, an unreachable relay', async () => {
    const me = cliComputer()
    const unpaired = await me.run('send', '--text', 'hi')
    expect(unpaired.code).toBe(2)
    expect(unpaired.stderr).toContain("this computer's keyroom CLI is not paired")

    const badKey = await me.run('send', '--key', 'KeyQQ')
    expect(badKey.code).toBe(2)
    expect(badKey.stderr).toContain('"KeyQQ" is not a key code')

    const roomNew = await me.run('room', 'new', '--relay', 'http://127.0.0.1:9')
    expect(roomNew.code).toBe(2)
    expect(roomNew.stderr).toContain(
      'room new is gone: a room now belongs to a receiver. Run "keyroom-receiver pair --relay URL"',
    )

    const store = me.store()
    store.setRoom({ relay: 'http://127.0.0.1:9', room: 'AAAAAAAAAAAAAAAAAAAAAA' })
    store.trust({ key: store.identity().publicKey, name: 'nowhere' })
    const unreachable = await me.run('send', '--text', 'hi', '--timeout', '1500')
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toContain('cannot reach relay http://127.0.0.1:9')
  })
})
