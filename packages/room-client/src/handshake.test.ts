import { FRAME_VERSION, type Hs1Frame, toBase64url } from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import { normalizeFingerprint } from './fingerprint-text.js'
import { finishAsInitiator, finishAsResponder, newEphemeral, respond, type Self } from './handshake.js'
import { createIdentity, fingerprint, verificationCode } from './identity.js'

const self = (name: string): Self => ({
  identity: createIdentity(),
  name,
  role: 'keypad',
  caps: { inject: false },
})
const ROOM = 'Qm9vb29vb29vb29vb29vbw'
const sid = (c: string) => c.repeat(22)

function hs1From(from: string) {
  const ephemeral = newEphemeral()
  const frame: Hs1Frame = { v: FRAME_VERSION, k: 'hs1', from, e: toBase64url(ephemeral.public) }
  return { ephemeral, frame }
}

describe('identities', () => {
  it('fingerprints are 4 groups of 4 Crockford characters and read back however they are typed', () => {
    const fp = fingerprint(createIdentity().publicKey)
    expect(fp).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/)
    expect(normalizeFingerprint(fp.toLowerCase().replace(/-/g, ''))).toBe(fp)
    expect(normalizeFingerprint('not a fingerprint')).toBeUndefined()
  })
  it('the verification code depends on both keys and their order', () => {
    const a = createIdentity().publicKey
    const b = createIdentity().publicKey
    expect(verificationCode(a, b)).toMatch(/^\d{6}$/)
    expect(verificationCode(a, b)).toBe(verificationCode(a, b))
    expect(verificationCode(a, b)).not.toBe(verificationCode(a, createIdentity().publicKey))
  })
  it('refuses a secret key of the wrong size', () => {
    expect(() => createIdentity(new Uint8Array(31))).toThrow('32 bytes')
  })
})

describe('SIGMA-I handshake', () => {
  it('both sides derive the same session keys and authenticate each other', () => {
    const [alice, bob] = [self('alice'), self('bob')]
    const { ephemeral, frame } = hs1From(sid('a'))
    const answer = respond(ROOM, sid('b'), frame, bob)
    if (!answer.ok) throw new Error(answer.error.message)
    const done = finishAsInitiator(ROOM, sid('a'), ephemeral, answer.value.frame, alice)
    if (!done.ok) throw new Error(done.error.message)
    expect(done.value.peer).toMatchObject({ name: 'bob', key: bob.identity.publicKey })
    const finished = finishAsResponder(answer.value.pending, done.value.frame, bob)
    if (!finished.ok) throw new Error(finished.error.message)
    expect(finished.value.peer).toMatchObject({ name: 'alice', key: alice.identity.publicKey })
    expect(finished.value.keys).toEqual(done.value.keys)
  })

  it('a device answering its own hs1 (reflection) does not verify itself', () => {
    const alice = self('alice')
    const { ephemeral, frame } = hs1From(sid('a'))
    // The attacker makes alice respond to alice's hs1 under another id, then hands the hs2 back to alice.
    const answer = respond(ROOM, sid('a'), { ...frame, from: sid('c') }, alice)
    if (!answer.ok) throw new Error(answer.error.message)
    const reflected = finishAsInitiator(
      ROOM,
      sid('a'),
      ephemeral,
      { ...answer.value.frame, from: sid('c') },
      alice,
    )
    expect(reflected.ok).toBe(false)
  })

  it('an hs2 from another room, a tampered hs2, and a forged signature are refused', () => {
    const [alice, bob] = [self('alice'), self('bob')]
    const { ephemeral, frame } = hs1From(sid('a'))
    const answer = respond('another-room-xxxxxxxxx', sid('b'), frame, bob)
    if (!answer.ok) throw new Error(answer.error.message)
    expect(finishAsInitiator(ROOM, sid('a'), ephemeral, answer.value.frame, alice)).toMatchObject({
      ok: false,
      error: { code: 'cannot-open' },
    })
    const good = respond(ROOM, sid('b'), frame, bob)
    if (!good.ok) throw new Error(good.error.message)
    const flipped = `${good.value.frame.ciphertext.slice(0, -2)}AA`
    expect(
      finishAsInitiator(ROOM, sid('a'), ephemeral, { ...good.value.frame, ciphertext: flipped }, alice).ok,
    ).toBe(false)
    expect(respond(ROOM, sid('b'), { ...frame, e: 'A'.repeat(43) }, bob)).toMatchObject({ ok: false })
  })
})
