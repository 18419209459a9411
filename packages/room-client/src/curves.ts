import { montgomery } from '@noble/curves/abstract/montgomery.js'
import * as ed25519 from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'

// Ed25519 from @noble/ed25519 (a few KB, and the keypad has it already for join proofs) and X25519 from
// @noble/curves' Montgomery ladder configured as @noble/curves' own ed25519.js configures it (RFC 7748), without the
// Edwards curve ed25519.js builds for a faster fixed-base multiplication: that curve cost the keypad ~11 KB of its
// 100 KB first-load budget for nothing else. Both are the audited libraries' code; nothing here is a primitive.
ed25519.hashes.sha512 = sha512

export { ed25519 }

const P = 2n ** 255n - 19n

// Pure: a bundle that never uses X25519 (the v1 keypad) leaves the ladder and @noble/curves out.
export const x25519 = /* @__PURE__ */ montgomery({
  P,
  type: 'x25519',
  // x^(p-2) is x's inverse mod p (Fermat), and 0 for 0: the ladder's low-order results, which montgomery() refuses.
  powPminus2: (x: bigint) => (x === 0n ? 0n : ed25519.etc.invert(x, P)),
  // RFC 7748 section 5: clear the three low bits and the top bit, set the second-highest bit.
  adjustScalarBytes: (bytes: Uint8Array) => {
    bytes[0] = (bytes[0] ?? 0) & 248
    bytes[31] = ((bytes[31] ?? 0) & 127) | 64
    return bytes
  },
})
