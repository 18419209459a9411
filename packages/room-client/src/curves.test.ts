import { ed25519 as curvesEd25519, x25519 as curvesX25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { ed25519, x25519 } from './curves.js'

describe('the curves the protocol uses', () => {
  it('X25519 gives RFC 7748 section 6.1 results and agrees with @noble/curves x25519', () => {
    const alice = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const bob = hexToBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
    expect(bytesToHex(x25519.getPublicKey(alice))).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    )
    expect(bytesToHex(x25519.getSharedSecret(alice, x25519.getPublicKey(bob)))).toBe(
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
    )
    for (let i = 0; i < 20; i++) {
      const a = x25519.utils.randomSecretKey()
      const b = curvesX25519.utils.randomSecretKey()
      expect(x25519.getPublicKey(a)).toEqual(curvesX25519.getPublicKey(a))
      expect(x25519.getSharedSecret(a, curvesX25519.getPublicKey(b))).toEqual(
        curvesX25519.getSharedSecret(b, x25519.getPublicKey(a)),
      )
    }
  })

  it('Ed25519 keys and signatures agree with @noble/curves ed25519 both ways', () => {
    const message = new TextEncoder().encode('keyroom')
    for (let i = 0; i < 10; i++) {
      const secret = ed25519.utils.randomSecretKey()
      const publicKey = ed25519.getPublicKey(secret)
      expect(publicKey).toEqual(curvesEd25519.getPublicKey(secret))
      const signature = ed25519.sign(message, secret)
      expect(signature).toEqual(curvesEd25519.sign(message, secret))
      expect(curvesEd25519.verify(signature, message, publicKey)).toBe(true)
      expect(ed25519.verify(signature, new TextEncoder().encode('keyroon'), publicKey)).toBe(false)
    }
  })
})
