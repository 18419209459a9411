import { describe, expect, it } from 'vitest'
import { parseChordText } from './chord-text.js'
import { KEY_CODES } from './key-codes.js'
import { parseEnvelope, parseKeyAction } from './messages.js'
import { MAX_RECEIPT_SEQS, MAX_TEXT_LENGTH, PROTOCOL_VERSION } from './protocol.js'
import { parseBroadcastRequest, parseRoomName } from './relay-wire.js'

const envelope = (body: unknown) => ({
  v: PROTOCOL_VERSION,
  from: 'sender-0001',
  seq: 1,
  t: 1_700_000_000_000,
  body,
})

describe('key actions', () => {
  it('accepts a key by its W3C code with a phase', () => {
    expect(parseKeyAction({ type: 'key', code: 'KeyQ', phase: 'down' })).toEqual({
      ok: true,
      value: { type: 'key', code: 'KeyQ', phase: 'down' },
    })
  })

  it('covers letters, digits, F1-F24, arrows, modifiers and media keys', () => {
    for (const code of [
      'KeyZ',
      'Digit1',
      'F24',
      'ArrowLeft',
      'ShiftLeft',
      'MetaLeft',
      'MediaPlayPause',
      'Enter',
    ]) {
      expect(KEY_CODES).toContain(code)
    }
    expect(KEY_CODES).not.toContain('F25')
  })

  it('names the field of an unknown key code', () => {
    const result = parseKeyAction({ type: 'key', code: 'KeyQQ', phase: 'down' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid-action', path: 'code' })
  })

  it('refuses a phase other than down, up or tap', () => {
    const result = parseKeyAction({ type: 'key', code: 'KeyQ', phase: 'hold' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.path).toBe('phase')
  })

  it('accepts Cmd+Shift+4 as a chord and refuses repeated modifiers', () => {
    expect(parseKeyAction({ type: 'chord', modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' }).ok).toBe(
      true,
    )
    expect(parseKeyAction({ type: 'chord', modifiers: ['ShiftLeft', 'ShiftLeft'], code: 'Digit4' }).ok).toBe(
      false,
    )
    expect(parseKeyAction({ type: 'chord', modifiers: ['KeyA'], code: 'Digit4' }).ok).toBe(false)
  })

  it('finds no modifier or key under an Object.prototype name in chord text', () => {
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      expect(parseChordText(`${name}+KeyA`), name).toMatchObject({
        ok: false,
        error: { code: 'invalid-chord' },
      })
      expect(parseChordText(`Shift+${name}`), name).toMatchObject({
        ok: false,
        error: { code: 'invalid-chord' },
      })
    }
    expect(parseChordText('Cmd+Shift+Digit4')).toEqual({
      ok: true,
      value: { modifiers: ['MetaLeft', 'ShiftLeft'], code: 'Digit4' },
    })
  })

  it('bounds text length and refuses empty text', () => {
    expect(parseKeyAction({ type: 'text', text: 'héllo €' }).ok).toBe(true)
    expect(parseKeyAction({ type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH) }).ok).toBe(true)
    expect(parseKeyAction({ type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }).ok).toBe(false)
    expect(parseKeyAction({ type: 'text', text: '' }).ok).toBe(false)
  })

  it('never throws on garbage', () => {
    for (const input of [null, undefined, 42, 'key', [], { type: 'nope' }, { type: 'renew', codes: [] }]) {
      expect(parseKeyAction(input).ok).toBe(false)
    }
  })
})

describe('envelope', () => {
  it('carries version, sender, sequence, send time and a body', () => {
    const result = parseEnvelope(envelope({ type: 'release-all' }))
    expect(result.ok).toBe(true)
  })

  it('gives a wrong protocol version its own error code', () => {
    const result = parseEnvelope({ ...envelope({ type: 'release-all' }), v: 2 })
    expect(result).toMatchObject({ ok: false, error: { code: 'unsupported-version', path: 'v' } })
  })

  it('refuses a non-positive sequence and a malformed sender id', () => {
    expect(parseEnvelope({ ...envelope({ type: 'bye' }), seq: 0 }).ok).toBe(false)
    expect(parseEnvelope({ ...envelope({ type: 'bye' }), from: 'a b' }).ok).toBe(false)
  })

  it('parses presence: hello with role, name and capabilities', () => {
    const hello = { type: 'hello', role: 'pi-agent', name: 'door', caps: { inject: true, keys: ['KeyD'] } }
    expect(parseEnvelope(envelope(hello)).ok).toBe(true)
    expect(parseEnvelope(envelope({ ...hello, role: 'toaster' })).ok).toBe(false)
  })

  it('parses a USB keyboard’s caps.hid with its target layout, and refuses a bad one', () => {
    const hello = {
      type: 'hello',
      role: 'pi-agent',
      name: 'kvm',
      caps: { inject: true, hid: { layout: 'de' } },
    }
    const parsed = parseEnvelope(envelope(hello))
    expect(parsed.ok && parsed.value.body.type === 'hello' && parsed.value.body.caps.hid).toEqual({
      layout: 'de',
    })
    for (const layout of ['', 'x'.repeat(33), 7]) {
      expect(parseEnvelope(envelope({ ...hello, caps: { hid: { layout } } })).ok, String(layout)).toBe(false)
    }
  })

  it('parses a receipt and bounds it: at most MAX_RECEIPT_SEQS seqs, positive, a short reason', () => {
    const receipt = { type: 'receipt', to: 'sender-0002', seqs: [1, 2], lost: [{ seq: 3, reason: 'stale' }] }
    expect(parseEnvelope(envelope(receipt))).toMatchObject({ ok: true, value: { body: receipt } })
    for (const bad of [
      { ...receipt, seqs: Array.from({ length: MAX_RECEIPT_SEQS + 1 }, (_, i) => i + 1) },
      { ...receipt, seqs: [0] },
      { ...receipt, lost: [{ seq: 1, reason: '' }] },
      { ...receipt, lost: [{ seq: 1, reason: 'x'.repeat(33) }] },
      { ...receipt, to: 'no' },
    ]) {
      expect(parseEnvelope(envelope(bad))).toMatchObject({ ok: false, error: { code: 'invalid-message' } })
    }
  })

  it('parses caps.cannot, the keys a receiver cannot press, and refuses codes it does not know', () => {
    const hello = {
      type: 'hello',
      role: 'mac-receiver',
      name: 'studio',
      caps: { inject: true, cannot: ['Pause'] },
    }
    const parsed = parseEnvelope(envelope(hello))
    expect(parsed.ok && parsed.value.body.type === 'hello' && parsed.value.body.caps.cannot).toEqual([
      'Pause',
    ])
    for (const cannot of [['Bogus'], 'Pause', Array(257).fill('Pause')]) {
      expect(
        parseEnvelope(envelope({ ...hello, caps: { cannot } })).ok,
        JSON.stringify(cannot).slice(0, 20),
      ).toBe(false)
    }
  })
})

describe('relay wire', () => {
  it('checks room names', () => {
    expect(parseRoomName('living-room_1').ok).toBe(true)
    expect(parseRoomName('')).toMatchObject({ ok: false, error: { code: 'invalid-room-name' } })
    expect(parseRoomName('a'.repeat(129)).ok).toBe(false)
    expect(parseRoomName('bad room').ok).toBe(false)
    expect(parseRoomName(42).ok).toBe(false)
  })

  it('refuses reserved and malformed event names with their own codes', () => {
    const base = { roomName: 'r', payload: 1 }
    expect(parseBroadcastRequest({ ...base, eventName: 'room-info' })).toMatchObject({
      ok: false,
      error: { code: 'reserved-event-name' },
    })
    expect(parseBroadcastRequest({ ...base, eventName: 'a b' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-event-name' },
    })
    expect(parseBroadcastRequest({ ...base, roomName: 5, eventName: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-room-name' },
    })
    expect(parseBroadcastRequest('nope')).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })
})
