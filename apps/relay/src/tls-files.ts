import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** The PEM texts Node's https server takes. */
export interface TlsFiles {
  cert: Buffer
  key: Buffer
}

/**
 * Reads `TLS_CERT` and `TLS_KEY` once, at start, and checks that they are a certificate and the private key that
 * belongs to it: a bad file is one line naming it, not a TLS error at a phone's first connection.
 */
export function readTlsFiles(
  certPath: string,
  keyPath: string,
): { ok: true; value: TlsFiles } | { ok: false; error: string } {
  const fail = (error: string) => ({ ok: false as const, error })
  const cert = readFile('TLS_CERT', certPath)
  if (!cert.ok) return cert
  const key = readFile('TLS_KEY', keyPath)
  if (!key.ok) return key
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert.value)
  } catch {
    return fail(`TLS_CERT ${certPath} is not a PEM certificate ("-----BEGIN CERTIFICATE-----")`)
  }
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(key.value)
  } catch {
    return fail(`TLS_KEY ${keyPath} is not an unencrypted PEM private key ("-----BEGIN PRIVATE KEY-----")`)
  }
  if (!x509.checkPrivateKey(privateKey))
    return fail(`TLS_KEY ${keyPath} is not the key of the certificate in TLS_CERT ${certPath}`)
  if (Date.parse(x509.validTo) < Date.now())
    return fail(`TLS_CERT ${certPath} expired on ${x509.validTo}; make a new one (keyroom cert)`)
  return { ok: true, value: { cert: cert.value, key: key.value } }
}

function readFile(name: string, path: string): { ok: true; value: Buffer } | { ok: false; error: string } {
  try {
    return { ok: true, value: readFileSync(path) }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read by this user'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? String(error)})`
    return { ok: false, error: `${name} ${path} ${why}` }
  }
}
