import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@keyroom/test-kit'

/**
 * A self-signed certificate for 127.0.0.1 and localhost and its key, made by the openssl command line (the
 * certificate authority of `keyroom cert` is room-client's, tested there and end to end).
 */
export function selfSignedCertificate(name = 'a') {
  const dir = tempDir('relay-tls-')
  const certPath = join(dir, `${name}-cert.pem`)
  const keyPath = join(dir, `${name}-key.pem`)
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2']
      .concat(['-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'])
      .concat(['-keyout', keyPath, '-out', certPath]),
    { stdio: 'ignore', timeout: 10_000 },
  )
  return { dir, certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) }
}
