import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRoom, formatPairingLink, parsePairingLink } from './pairing-link.js'

describe('pairing links', () => {
  it('creates 128-bit room ids and 256-bit keys, different every time', () => {
    const a = createRoom('http://127.0.0.1:7300')
    const b = createRoom('http://127.0.0.1:7300')
    expect(a.room).toHaveLength(22)
    expect(a.key).toHaveLength(32)
    expect(a.room).not.toBe(b.room)
    expect(a.key).not.toEqual(b.key)
  })

  it('keeps everything secret in the fragment', () => {
    const room = createRoom('wss://relay.example.com/')
    const link = formatPairingLink(room, 'https://keypad.example.com')
    const url = new URL(link)
    expect(url.origin + url.pathname).toBe('https://keypad.example.com/')
    expect(url.search).toBe('')
    expect(url.hash).toContain('key=')
    expect(room.relay).toBe('https://relay.example.com')
  })

  it('round-trips any room through its link', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.webUrl({ withQueryParameters: true, withFragments: false }),
        (_id, key, keypad) => {
          const room = { ...createRoom('http://127.0.0.1:1'), key }
          const parsed = parsePairingLink(formatPairingLink(room, keypad))
          expect(parsed).toEqual({ ok: true, value: room })
        },
      ),
    )
  })

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parsePairingLink(text)
        expect(typeof parsed.ok).toBe('boolean')
      }),
    )
  })

  it('says what is broken', () => {
    const good = formatPairingLink(createRoom('http://127.0.0.1:7300'))
    const cases: [string, string][] = [
      ['', 'empty'],
      ['https://x/#room=a&key=b', 'relay='],
      [good.replace(/room=[^&]+/, 'room=abc'), 'room must be 16 bytes'],
      [good.replace(/key=[^&]+/, 'key=abc'), 'key must be 32 bytes'],
      [good.replace(/relay=[^&]+/, 'relay=ftp%3A%2F%2Fx'), 'not an http(s)'],
      [good.replace(/&key=[^&]+/, ''), 'no key='],
    ]
    for (const [text, message] of cases) {
      const parsed = parsePairingLink(text)
      expect(parsed.ok, text).toBe(false)
      if (!parsed.ok) expect(parsed.error.message).toContain(message)
    }
  })
})
