// tsyringe, under @peculiar/x509, needs the Reflect metadata API before it loads.
import 'reflect-metadata'
import { createHash, webcrypto } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'
import { configDir } from './pairing-store.js'

/** The WebCrypto type @peculiar/x509 takes, the DOM's: Node's `webcrypto` is that API under its own types. */
type DomCrypto = ReturnType<typeof x509.cryptoProvider.get>
type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair
x509.cryptoProvider.set(webcrypto as unknown as DomCrypto)

/** ECDSA P-256 with SHA-256: accepted by iOS, Android, Chromium and Node's TLS alike. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY_MS = 86_400_000
const CA_DAYS = 3650
/** iOS refuses server certificates valid longer than 825 days, even under a user-trusted authority. */
const SERVER_DAYS = 800
/** A server certificate this close to its end is made again. */
const RENEW_DAYS = 30

/** Where this install keeps its authority: `<config dir>/tls` (see {@link configDir}). */
export const defaultCertDir = (env: NodeJS.ProcessEnv = process.env) => join(configDir({ env }), 'tls')

/** The files of a local authority and the server certificate it signed, all PEM. */
export interface LocalCertificate {
  dir: string
  /** The authority's certificate (PEM): what a browser or Node is told to trust. */
  caCertPath: string
  /** The same certificate in DER (`ca.crt`): the form Android's and iOS's installers take. */
  caPhonePath: string
  /** The authority's private key, mode 0600. */
  caKeyPath: string
  /** The server certificate (TLS_CERT). */
  certPath: string
  /** Its private key (TLS_KEY), mode 0600. */
  keyPath: string
  /** Names the server certificate covers: `localhost` and IP addresses. */
  names: string[]
  /** What this call made: the authority (first run), the server certificate (first run, new addresses, renewal). */
  created: { ca: boolean; cert: boolean }
}

/**
 * This machine's IPv4 addresses a phone could reach: every non-internal interface's, in interface order.
 * @param interfaces @default os.networkInterfaces()
 */
export function lanAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  const addresses = Object.values(interfaces)
    .flat()
    .filter((a): a is NetworkInterfaceInfo => a?.family === 'IPv4' && !a.internal)
    .map((a) => a.address)
  return [...new Set(addresses)]
}

const files = (dir: string) => ({
  caCertPath: join(dir, 'ca.pem'),
  caPhonePath: join(dir, 'ca.crt'),
  caKeyPath: join(dir, 'ca-key.pem'),
  certPath: join(dir, 'cert.pem'),
  keyPath: join(dir, 'key.pem'),
})

/**
 * Makes, once per directory, a certificate authority, and a server certificate it signs for `localhost`,
 * 127.0.0.1, ::1 and `addresses` (as mkcert does); reuses both while they cover those names and are not near their
 * end. Private keys are written readable by this user only.
 * @param options.addresses @default {@link lanAddresses}()
 */
export async function ensureLocalCertificate(options: {
  dir: string
  addresses?: string[]
  now?: () => Date
}): Promise<LocalCertificate> {
  const { dir } = options
  const now = options.now?.() ?? new Date()
  const paths = files(dir)
  const names = ['localhost', '127.0.0.1', '::1', ...(options.addresses ?? lanAddresses())]
  await mkdir(dir, { recursive: true, mode: 0o700 })

  let ca = await readAuthority(paths.caCertPath, paths.caKeyPath)
  const created = { ca: false, cert: false }
  if (!ca || ca.cert.notAfter.getTime() < now.getTime() + SERVER_DAYS * DAY_MS) {
    ca = await createAuthority(now)
    await writePem(paths.caKeyPath, ca.keyPem, 0o600)
    await writePem(paths.caCertPath, ca.cert.toString('pem'), 0o644)
    created.ca = true
  }
  if (created.ca || !existsSync(paths.caPhonePath)) await writeDer(paths.caPhonePath, ca.cert.rawData)
  const current = await readPem(paths.certPath).then((pem) => (pem ? parseCertificate(pem) : undefined))
  const reusable =
    !created.ca &&
    current !== undefined &&
    (await readPem(paths.keyPath)) !== undefined &&
    current.issuer === ca.cert.subject &&
    current.notAfter.getTime() > now.getTime() + RENEW_DAYS * DAY_MS &&
    names.every((name) => coveredNames(current).includes(name))
  if (!reusable) {
    const server = await createServerCertificate(ca, names, now)
    await writePem(paths.keyPath, server.keyPem, 0o600)
    await writePem(paths.certPath, server.certPem, 0o644)
    created.cert = true
  }
  const cert = new x509.X509Certificate((await readPem(paths.certPath)) ?? '')
  return { dir, ...paths, names: coveredNames(cert), created }
}

/**
 * A certificate's SHA-256 fingerprint, over its DER bytes, as colon-separated upper-case hex pairs: what Node's
 * `X509Certificate.fingerprint256` gives and what iOS (in the profile's details) and Android (in the certificate's
 * details) show.
 */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:')
}

/**
 * How to trust the authority on the phone, as short steps. With `download` (phone mode serves the certificate over
 * plain http for a while), the phone opens its link and the user compares the fingerprint; without, the user copies
 * the file to the phone.
 */
export function trustInstructions(
  caPhonePath: string,
  download?: { url: string; fingerprint: string; minutes: number },
): string {
  const steps = (indent: string, open: string, pick: string) => [
    `${indent}iOS:     ${open}, Settings > General > VPN & Device Management > install the profile, then`,
    `${indent}         Settings > General > About > Certificate Trust Settings > turn on full trust for "keyroom local CA"`,
    `${indent}Android: Settings > Security > Encryption & credentials > Install a certificate > CA certificate`,
    `${indent}         (on some phones: Settings > Security > Install from storage), and pick ${pick}`,
  ]
  const undo =
    'Only this machine holds the authority key; remove the profile or certificate from the phone to undo.'
  if (!download)
    return [
      `Once per phone, trust this authority: copy ${caPhonePath} to it (AirDrop, mail, a USB cable), then:`,
      ...steps('  ', 'open the file', 'the file'),
      undo,
    ].join('\n')
  return [
    `1. On the phone, open ${download.url} (or scan the QR code below) within ${download.minutes} minutes and install`,
    `   the authority; compare its SHA-256 fingerprint: ${download.fingerprint}`,
    ...steps('   ', 'allow the download', 'keyroom-ca.crt from Downloads'),
    // Plain http: anyone on the Wi-Fi could hand the phone their own authority instead; the fingerprint, read here
    // on the laptop, is what tells.
    "   iOS shows the fingerprint in the profile's More Details, Android in Trusted credentials > User > the certificate.",
    '   If it differs, someone on the network changed the file: remove what you installed and do not go on.',
    `   (Or copy ${caPhonePath} to the phone.)`,
    `   ${undo}`,
  ].join('\n')
}

interface Authority {
  cert: x509.X509Certificate
  keys: CryptoKeyPair
  keyPem: string
}

async function createAuthority(now: Date): Promise<Authority> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=keyroom local CA ${now.toISOString().slice(0, 10)}, O=keyroom`,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { cert, keys, keyPem: await privateKeyPem(keys.privateKey) }
}

async function createServerCertificate(ca: Authority, names: string[], now: Date) {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':')
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=keyroom relay, O=keyroom',
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIp(value) ? ('ip' as const) : ('dns' as const), value })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) }
}

/** The DNS names and IP addresses a certificate's subjectAltName lists. */
function coveredNames(cert: x509.X509Certificate): string[] {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension)
  return san ? san.names.items.map((name) => name.value) : []
}

async function readAuthority(certPath: string, keyPath: string): Promise<Authority | undefined> {
  const [certPem, keyPem] = await Promise.all([readPem(certPath), readPem(keyPath)])
  if (!certPem || !keyPem) return undefined
  try {
    const cert = new x509.X509Certificate(certPem)
    const der = x509.PemConverter.decodeFirst(keyPem)
    const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign'])
    const publicKey = await cert.publicKey.export(ALGORITHM, ['verify'], webcrypto as unknown as DomCrypto)
    return { cert, keys: { privateKey, publicKey }, keyPem }
  } catch {
    // Not made over silently: every phone that trusts the old authority would have to trust a new one.
    throw new Error(
      `${certPath} and ${keyPath} are not a certificate authority this makes (a P-256 certificate and its PKCS#8 key); remove them to make a new one, which phones must then trust again`,
    )
  }
}

/** A server certificate that does not parse is made again, like a missing one. */
function parseCertificate(pem: string): x509.X509Certificate | undefined {
  try {
    return new x509.X509Certificate(pem)
  } catch {
    return undefined
  }
}

async function readPem(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
}

async function writePem(path: string, pem: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, pem.endsWith('\n') ? pem : `${pem}\n`, { mode })
  // An existing file keeps its mode whatever writeFile is told: set it.
  await chmod(temp, mode)
  await rename(temp, path)
}

async function writeDer(path: string, der: ArrayBuffer): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, new Uint8Array(der), { mode: 0o644 })
  await rename(temp, path)
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY')
}

/** A positive 128-bit serial in hex, unique per certificate as RFC 5280 asks. */
function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return Buffer.from(bytes).toString('hex')
}
