// Apart from identity.ts so that reading a typed fingerprint (the keypad's stored targets) loads no hash code.

/** A fingerprint as typed (any case, with or without dashes, O for 0, I or L for 1); undefined if it is not one. */
export function normalizeFingerprint(text: string): string | undefined {
  const plain = text.toUpperCase().replace(/[-\s]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(plain)) return undefined
  return plain.match(/.{4}/g)?.join('-')
}
