import { perSuite } from '@keyroom/test-kit'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { isInjectError } from '../src/keyboard.js'
import { openX11, type X11Client } from '../src/x11-client.js'
import { createX11Text, keysymFor, X11_TEXT_TIMING, type X11Text } from '../src/x11-text.js'
import { startXSession, type XSession } from './x-session.js'

// Unicode text into a real window: a private Xvfb, an xterm in UTF-8 mode writing every byte it gets to a file, and
// keyroom's own X11 client mapping spare keycodes.
const cleanup = perSuite()

let x: XSession
let client: X11Client
let typer: X11Text
let mappingBefore: number[][]
beforeAll(async () => {
  x = await startXSession({ utf8: true, cleanup })
  client = await openX11(x.display)
  cleanup(() => client.close())
  mappingBefore = await client.getKeyboardMapping()
  typer = createX11Text(client)
}, 30_000)

async function typed(text: string, expected: string) {
  const from = (await x.read()).length
  await typer.type(text)
  await x.waitFor(expected, { from })
}

describe('Unicode text on X11 by temporary keysym mapping', () => {
  it('types accented letters, symbols, an emoji and ASCII punctuation exactly', async () => {
    const text = 'Grüße, Zoë! ÀÉÎÕÜ ß ç ñ € £ ¥ © ° ± × ÷ → ✓ ∑ π Ω 😀 <a|b> {x}: ~`"\'\n'
    await typed(text, text.replace('\n', '\r'))
  })

  it('puts the keymap back once typing stops, and leaves no key down', async () => {
    await typed('ø😀', 'ø😀')
    expect(await client.getKeyboardMapping()).not.toEqual(mappingBefore)
    await vi.waitFor(async () => expect(await client.getKeyboardMapping()).toEqual(mappingBefore), {
      timeout: X11_TEXT_TIMING.restoreAfterMs + 2_000,
      interval: 100,
    })
    expect(await client.keysDown()).toEqual([])
  })

  it('types the same characters again without remapping', async () => {
    await typed('abcabc', 'abcabc')
    const mapped = await client.getKeyboardMapping()
    await typed('cab', 'cab')
    expect(await client.getKeyboardMapping()).toEqual(mapped)
    await typer.restore()
    expect(await client.getKeyboardMapping()).toEqual(mappingBefore)
  })

  it('types a text with more distinct characters than spare keycodes, in chunks', async () => {
    const spare = (await client.getKeyboardMapping()).filter((row) => row.every((k) => k === 0)).length
    const text = Array.from({ length: spare + 20 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('')
    await typed(text, text)
  })

  it('puts the keymap back before a key press, so libnut (which finds keys by keysym) presses the real key', async () => {
    await typed('a\n', 'a\r')
    expect(await client.getKeyboardMapping()).not.toEqual(mappingBefore)
    await typer.beforeKey()
    expect(await client.getKeyboardMapping()).toEqual(mappingBefore)
  })

  it('refuses a text with a character X cannot type, whole, before typing any of it', async () => {
    const from = (await x.read()).length
    const error = await typer.type('ok\u0007').catch((e: unknown) => e)
    expect(isInjectError(error) && error.code).toBe('unsupported-text')
    expect(String(error)).toContain('U+0007')
    await typed('after', 'after')
    expect((await x.read()).slice(from)).toBe('after')
  })

  it('knows the keysyms: Latin-1 as is, the rest as 0x01000000 + code point', () => {
    expect(keysymFor('a')).toBe(0x61)
    expect(keysymFor('é')).toBe(0xe9)
    expect(keysymFor('€')).toBe(0x10020ac)
    expect(keysymFor('😀')).toBe(0x101f600)
    expect(keysymFor('\n')).toBe(0xff0d)
    expect(keysymFor('\ud800')).toBeUndefined()
    expect(keysymFor('\u0085')).toBeUndefined()
  })
})
