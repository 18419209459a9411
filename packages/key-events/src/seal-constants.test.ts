import { describe, expect, it } from 'vitest'
import { toBase64url } from './base64url.js'
import { base64urlChars, MAC_BYTES, NONCE_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './cipher-sizes.js'
import { frameLabel, messageAssociatedData, SESSION_ID_BYTES } from './frames.js'
import { JOIN_PROOF_CHARS } from './join-proof.js'

// These strings are the wire: both ends derive keys and check seals with them, and the README spells them.
describe('seal constants', () => {
  it('labels every version 2 use as README §4-6 spells it', () => {
    expect(frameLabel('handshake')).toBe('keyroom/v2/handshake')
    expect(frameLabel('keys')).toBe('keyroom/v2/keys')
    expect(frameLabel('initiator')).toBe('keyroom/v2/initiator')
    expect(frameLabel('responder')).toBe('keyroom/v2/responder')
    expect(frameLabel('pairing')).toBe('keyroom/v2/pairing')
    expect(frameLabel('code')).toBe('keyroom/v2/code')
    expect(messageAssociatedData('sA', 'sB')).toBe('keyroom/v2/msg|sA|sB')
  })

  it('counts base64url characters as toBase64url writes them', () => {
    for (const bytes of [
      NONCE_BYTES,
      PUBLIC_KEY_BYTES,
      SIGNATURE_BYTES,
      MAC_BYTES,
      SESSION_ID_BYTES,
      0,
      1,
      2,
      3,
    ]) {
      expect(base64urlChars(bytes), String(bytes)).toBe(toBase64url(new Uint8Array(bytes)).length)
    }
    expect([base64urlChars(SESSION_ID_BYTES), base64urlChars(PUBLIC_KEY_BYTES), JOIN_PROOF_CHARS]).toEqual([
      22, 43, 86,
    ])
  })
})
