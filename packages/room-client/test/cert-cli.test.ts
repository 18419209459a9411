import { X509Certificate } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir as makeTempDir, runFromSource } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const run = (env: Record<string, string>, ...args: string[]) => runFromSource(cli, args, { env })
const tempDir = () => makeTempDir('keyroom-cert-')

describe('keyroom cert', () => {
  it('makes the authority once, in the config dir, and a certificate for the given address', async () => {
    const config = tempDir()
    const first = await run({ KEYROOM_CONFIG_DIR: config }, 'cert', '--address', '10.9.8.7')
    const dir = join(config, 'tls')
    expect(first.stdout).toContain(`created a certificate authority: ${join(dir, 'ca.pem')}`)
    expect(first.stdout).toContain('for localhost, 127.0.0.1, ::1, 10.9.8.7:')
    expect(first.stdout).toContain(`TLS_CERT=${join(dir, 'cert.pem')}`)
    expect(first.stdout).toContain(`TLS_KEY=${join(dir, 'key.pem')}`)
    expect(first.stdout).toContain(`copy ${join(dir, 'ca.crt')} to it`)
    expect(first.stdout).toContain('Certificate Trust Settings')
    expect(first.stdout).toContain('Install a certificate > CA certificate')
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600)
    // The value a phone shows for the installed authority (Node's own reading of the same file).
    const authority = new X509Certificate(readFileSync(join(dir, 'ca.crt')))
    expect(first.stdout).toContain(`to compare on the phone: ${authority.fingerprint256}\n`)
    const server = new X509Certificate(readFileSync(join(dir, 'cert.pem')))
    expect(server.checkIP('10.9.8.7')).toBe('10.9.8.7')

    const second = await run({ KEYROOM_CONFIG_DIR: config }, 'cert', '--address', '10.9.8.7')
    expect(second.stdout).toContain('(kept from an earlier run)')
    expect(second.stdout).toContain('server certificate (still valid)')
  })

  it('takes --dir', async () => {
    const dir = join(tempDir(), 'elsewhere')
    const { stdout } = await run({}, 'cert', '--dir', dir, '--address', '10.1.2.3')
    expect(stdout).toContain(`TLS_CERT=${join(dir, 'cert.pem')}`)
  })
})
