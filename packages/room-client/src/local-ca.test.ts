import { X509Certificate } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import type { NetworkInterfaceInfo } from 'node:os'
import { join } from 'node:path'
import { tempDir as makeTempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import {
  certificateFingerprint,
  ensureLocalCertificate,
  lanAddresses,
  trustInstructions,
} from './local-ca.js'

async function tempDir() {
  const dir = makeTempDir('keyroom-ca-')
  return join(dir, 'tls')
}

const read = async (path: string) => new X509Certificate(await readFile(path))

describe('ensureLocalCertificate', () => {
  it('makes an authority and a server certificate it signed, for localhost and the given addresses', async () => {
    const dir = await tempDir()
    const made = await ensureLocalCertificate({ dir, addresses: ['10.200.0.1'] })
    expect(made.created).toEqual({ ca: true, cert: true })
    const ca = await read(made.caCertPath)
    const server = await read(made.certPath)
    expect(ca.ca).toBe(true)
    expect(server.ca).toBe(false)
    expect(server.checkIssued(ca)).toBe(true)
    // The phones' copy is the same certificate in DER.
    expect(new X509Certificate(await readFile(made.caPhonePath)).raw.equals(ca.raw)).toBe(true)
    expect((await readFile(made.caPhonePath)).subarray(0, 1)[0]).toBe(0x30)
    expect(server.verify(ca.publicKey)).toBe(true)
    expect(server.checkIP('10.200.0.1')).toBe('10.200.0.1')
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(server.checkHost('localhost')).toBe('localhost')
    expect(server.checkIP('10.200.0.2')).toBeUndefined()
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1')
    expect(made.names).toEqual(['localhost', '127.0.0.1', '::1', '10.200.0.1'])
    // iOS refuses server certificates valid for more than 825 days.
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000
    expect(days).toBeLessThanOrEqual(825)
  })

  it('writes the private keys readable by this user only', async () => {
    const made = await ensureLocalCertificate({ dir: await tempDir(), addresses: [] })
    expect((await stat(made.caKeyPath)).mode & 0o777).toBe(0o600)
    expect((await stat(made.keyPath)).mode & 0o777).toBe(0o600)
    expect((await stat(made.dir)).mode & 0o777).toBe(0o700)
    expect(await readFile(made.keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
  })

  it('reuses both while they cover the addresses, and only re-issues the server certificate for a new one', async () => {
    const dir = await tempDir()
    const first = await ensureLocalCertificate({ dir, addresses: ['10.200.0.1'] })
    const caPem = await readFile(first.caCertPath, 'utf8')
    const certPem = await readFile(first.certPath, 'utf8')

    const again = await ensureLocalCertificate({ dir, addresses: ['10.200.0.1'] })
    expect(again.created).toEqual({ ca: false, cert: false })
    expect(await readFile(again.certPath, 'utf8')).toBe(certPem)

    const moved = await ensureLocalCertificate({ dir, addresses: ['192.168.1.20'] })
    expect(moved.created).toEqual({ ca: false, cert: true })
    expect(await readFile(moved.caCertPath, 'utf8')).toBe(caPem)
    const server = await read(moved.certPath)
    expect(server.checkIP('192.168.1.20')).toBe('192.168.1.20')
    expect(server.checkIssued(await read(moved.caCertPath))).toBe(true)
  })

  it('re-issues a server certificate near its end, under the same authority', async () => {
    const dir = await tempDir()
    const first = await ensureLocalCertificate({ dir, addresses: [] })
    const caPem = await readFile(first.caCertPath, 'utf8')
    const later = new Date(Date.now() + 790 * 86_400_000)
    const renewed = await ensureLocalCertificate({ dir, addresses: [], now: () => later })
    expect(renewed.created).toEqual({ ca: false, cert: true })
    expect(await readFile(renewed.caCertPath, 'utf8')).toBe(caPem)
  })
})

describe('ensureLocalCertificate with damaged files', () => {
  it('makes a damaged server certificate again, under the same authority', async () => {
    const dir = await tempDir()
    const first = await ensureLocalCertificate({ dir, addresses: [] })
    await writeFile(first.certPath, 'junk\n')
    const again = await ensureLocalCertificate({ dir, addresses: [] })
    expect(again.created).toEqual({ ca: false, cert: true })
    expect((await read(again.certPath)).checkIssued(await read(again.caCertPath))).toBe(true)
  })

  it('refuses to replace a damaged authority silently, naming its files', async () => {
    const dir = await tempDir()
    const first = await ensureLocalCertificate({ dir, addresses: [] })
    await writeFile(first.caKeyPath, 'junk\n')
    await expect(ensureLocalCertificate({ dir, addresses: [] })).rejects.toThrow(
      `${first.caCertPath} and ${first.caKeyPath} are not a certificate authority this makes`,
    )
  })
})

describe('lanAddresses', () => {
  it('lists non-internal IPv4 addresses once each, in interface order', () => {
    const entry = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
      family === 'IPv4'
        ? { address, family, internal, netmask: '', mac: '', cidr: null }
        : { address, family, internal, netmask: '', mac: '', cidr: null, scopeid: 0 }
    expect(
      lanAddresses({
        lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
        eth0: [entry('10.200.0.1', 'IPv4', false), entry('fe80::1', 'IPv6', false)],
        wlan0: [entry('192.168.1.20', 'IPv4', false), entry('10.200.0.1', 'IPv4', false)],
      }),
    ).toEqual(['10.200.0.1', '192.168.1.20'])
  })
})

describe('certificateFingerprint', () => {
  it("is the SHA-256 of the DER as colon-separated upper-case pairs, as Node's fingerprint256", async () => {
    const made = await ensureLocalCertificate({ dir: await tempDir(), addresses: [] })
    const der = await readFile(made.caPhonePath)
    expect(certificateFingerprint(der)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(certificateFingerprint(der)).toBe(new X509Certificate(der).fingerprint256)
  })
})

describe('trustInstructions', () => {
  it('names the file to copy and the iOS and Android settings', () => {
    const text = trustInstructions('/home/u/.config/keyroom/tls/ca.crt')
    expect(text).toContain('copy /home/u/.config/keyroom/tls/ca.crt to it')
    expect(text).toContain('Settings > General > About > Certificate Trust Settings')
    expect(text).toContain('Install a certificate > CA certificate')
  })

  it('with a download, is step 1: open the link, install, compare the fingerprint, and stop if it differs', () => {
    const fingerprint = `${'AB:'.repeat(31)}CD`
    const url = 'http://192.168.1.20:7301/ca/token/keyroom-ca.crt'
    const lines = trustInstructions('/home/u/.config/keyroom/tls/ca.crt', {
      url,
      fingerprint,
      minutes: 10,
    }).split('\n')
    expect(lines[0]).toBe(
      `1. On the phone, open ${url} (or scan the QR code below) within 10 minutes and install`,
    )
    expect(lines[1]).toBe(`   the authority; compare its SHA-256 fingerprint: ${fingerprint}`)
    const text = lines.join('\n')
    expect(text).toContain('Certificate Trust Settings')
    expect(text).toContain('pick keyroom-ca.crt from Downloads')
    expect(text).toContain('If it differs, someone on the network changed the file')
    expect(text).toContain('(Or copy /home/u/.config/keyroom/tls/ca.crt to the phone.)')
    expect(text).not.toContain('Once per phone')
  })
})
