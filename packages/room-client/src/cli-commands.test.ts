import { Readable } from 'node:stream'
import { fail, OLDER_KEYROOM, ok } from '@keyroom/key-events'
import { joinAsDevice, keyActions, pairDeviceDir, startTestRelay, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { actionFromFlags, listen, send, targetOfFlag } from './cli-commands.js'
import { NOT_PAIRED } from './cli-device.js'
import { NO_LINK, pair } from './cli-pair.js'
import { formatDeviceLink } from './device-link.js'
import { createIdentity } from './identity.js'

describe('send flags', () => {
  it('builds pointer actions from --move, --scroll, --click and --button', () => {
    expect(actionFromFlags({ move: '40,-10' })).toEqual({
      ok: true,
      value: { type: 'move', dx: 40, dy: -10 },
    })
    expect(actionFromFlags({ scroll: ' -3 , 120 ' })).toEqual({
      ok: true,
      value: { type: 'scroll', dx: -3, dy: 120 },
    })
    expect(actionFromFlags({ click: 'middle' })).toEqual({
      ok: true,
      value: { type: 'button', button: 'middle', phase: 'click' },
    })
    expect(actionFromFlags({ button: 'right', phase: 'down' })).toEqual({
      ok: true,
      value: { type: 'button', button: 'right', phase: 'down' },
    })
  })

  it('refuses each bad pointer flag with the reason', () => {
    const cases: [Parameters<typeof actionFromFlags>[0], string][] = [
      [{ move: '1.5,2' }, '--move takes <dx>,<dy> as two integers, e.g. --move 40,-10 (got "1.5,2")'],
      [{ move: '3' }, '--move takes <dx>,<dy>'],
      [{ scroll: '0,0' }, 'a scroll must scroll'],
      [{ move: '99999,0' }, 'dx:'],
      [{ click: 'thumb' }, 'button:'],
      [{ button: 'left', phase: 'tap' }, '--phase for a --button must be down, up or click'],
      [{ move: '1,1', click: 'left' }, 'give exactly one of'],
    ]
    for (const [flags, reason] of cases) {
      const result = actionFromFlags(flags)
      expect(result.ok, JSON.stringify(flags)).toBe(false)
      if (!result.ok) expect(result.error.message).toContain(reason)
    }
  })
})

describe('send --to', () => {
  it('reads all, a kind, a fingerprint or a receiver name (any case), and says what it takes otherwise', () => {
    const mac = createIdentity()
    const trusted = [
      { key: mac.publicKey, name: 'Studio Mac' },
      { key: createIdentity().publicKey, name: 'twin' },
      { key: createIdentity().publicKey, name: 'Twin' },
    ]
    const to = (text: string) => {
      const r = targetOfFlag(text, trusted)
      return r.ok ? r.value : r.error.message
    }
    expect(to('all')).toBe('all')
    expect(to('pins')).toBe('kind:pins')
    expect(to('kind:usb-keyboard')).toBe('kind:usb-keyboard')
    expect(to(mac.fingerprint.toLowerCase().replaceAll('-', ''))).toBe(`device:${mac.fingerprint}`)
    expect(to('studio mac')).toBe(`device:${mac.fingerprint}`)
    expect(to('twin')).toBe('2 of this device\'s receivers are named "twin": give --to its fingerprint')
    expect(to('toaster')).toBe(
      '--to takes all, computer, pins, usb-keyboard, a receiver\'s fingerprint or one of these names: Studio Mac, twin, Twin (got "toaster")',
    )
  })
})

describe('send --key and --chord', () => {
  it('read keys as people write them, with the chord parser of key-events', () => {
    expect(actionFromFlags({ key: 'a' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'KeyA', phase: 'tap' },
    })
    expect(actionFromFlags({ key: 'esc', phase: 'down' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'Escape', phase: 'down' },
    })
    expect(actionFromFlags({ chord: 'cmd+shift+4' })).toEqual({
      ok: true,
      value: { type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' },
    })
    expect(actionFromFlags({ chord: 'Enter' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'Enter', phase: 'tap' },
    })
  })

  it('refuse an unknown name with the closest one', () => {
    expect(actionFromFlags({ key: 'Entr' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-key', message: '"Entr" is not a key code: did you mean Enter?' },
    })
    expect(actionFromFlags({ chord: 'Ctrl+Shft+T' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-chord', message: '"Shft" is not a modifier: did you mean Shift?' },
    })
  })
})

/** What a command wrote, line by line. */
function buffers() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } }
}

describe('pair, send and listen as functions (Result, never thrown)', () => {
  it('refuse without a link, with a v1 link, and before pairing', async () => {
    const dir = tempDir('keyroom-cli-')
    const { io } = buffers()
    expect(await pair({ dir, source: undefined, timeoutMs: 1000 }, io)).toEqual(fail('usage', NO_LINK))
    const v1 = await pair(
      {
        dir,
        source: { kind: 'stdin' },
        timeoutMs: 1000,
        stdin: Readable.from(['https://k/#relay=x&room=y&key=z']),
      },
      io,
    )
    expect(v1).toMatchObject({
      ok: false,
      error: { code: 'usage', message: `bad link: this link ${OLDER_KEYROOM}` },
    })
    expect(await send({ dir, timeoutMs: 1000, text: 'hi' }, io)).toEqual(fail('usage', NOT_PAIRED))
    const signal = AbortSignal.abort()
    expect(await listen({ dir, timeoutMs: 1000, signal, all: false }, io)).toEqual(fail('usage', NOT_PAIRED))
  })

  it('a receiver that does not permit the action refuses it with a notice: not-permitted', async () => {
    const { url } = await startTestRelay()
    const paired = pairDeviceDir(url, { name: 'Mac' })
    const receiver = await joinAsDevice({ relay: url, room: paired.link.room }, 'mac-receiver', 'Mac', {
      identity: paired.store.identity(),
      gate: paired.store.gate(),
      caps: { inject: true },
    })
    const dir = tempDir('keyroom-cli-')
    const first = buffers()
    const link = { kind: 'env' as const, text: formatDeviceLink(paired.link) }
    expect(await pair({ dir, source: link, name: 'cli', timeoutMs: 10_000 }, first.io)).toEqual(ok(undefined))
    expect(first.err.at(-1)).toBe('paired: keyroom send now types on Mac')

    expect(paired.store.setPermissions('cli', { actions: ['text'] }).ok).toBe(true)
    const refused = buffers()
    const result = await send({ dir, timeoutMs: 10_000, key: 'KeyQ' }, refused.io)
    expect(result).toMatchObject({ ok: false, error: { code: 'not-permitted' } })
    expect(refused.out).toEqual(['lost on Mac (mac-receiver): not-permitted'])
    expect(
      refused.err.some(
        (l) => l.startsWith('refused by Mac (mac-receiver, ') && l.includes(': not-permitted: '),
      ),
    ).toBe(true)
    const typed = buffers()
    expect(await send({ dir, timeoutMs: 10_000, text: 'ok' }, typed.io)).toEqual(ok(undefined))
    expect(typed.out).toEqual(['delivered to Mac (mac-receiver)'])
    await vi.waitFor(() => expect(keyActions(receiver.received)).toEqual([{ type: 'text', text: 'ok' }]))
  }, 30_000)
})
