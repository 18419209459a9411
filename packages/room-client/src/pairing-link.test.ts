import { isCredentialedRoom, roomCredential, toBase64url } from '@keyroom/key-events'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRoom, formatPairingLink, parsePairingLink } from './pairing-link.js'

describe('pairing links', () => {
  it('creates 256-bit keys and the credentialed room id each derives, different every time', () => {
    const a = createRoom('http://127.0.0.1:7300')
    const b = createRoom('http://127.0.0.1:7300')
    expect(a.room).toMatch(/^k1\.[A-Za-z0-9_-]{43}$/)
    expect(isCredentialedRoom(a.room)).toBe(true)
    expect(a.room).toBe(roomCredential(a.key).room)
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
        (id, key, keypad) => {
          const room = { relay: 'http://127.0.0.1:1', room: roomCredential(key).room, key }
          expect(parsePairingLink(formatPairingLink(room, keypad))).toEqual({ ok: true, value: room })
          // A room made before join credentials (a random 16-byte id) still pairs.
          const legacy = { ...room, room: toBase64url(id) }
          expect(parsePairingLink(formatPairingLink(legacy, keypad))).toEqual({ ok: true, value: legacy })
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
      [good.replace(/room=[^&]+/, 'room=abc'), 'room must be k1. and 43 base64url characters, or 16 bytes'],
      [good.replace(/room=[^&]+/, `room=${createRoom('http://x').room}`), 'does not belong to this key'],
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
