// `pnpm start`: the product on one laptop. Builds the keypad, starts the relay serving it on one origin, starts a
// receiver in its room with a new pairing window, and prints the receiver's link and its QR code. Ctrl+C stops everything. `--phone` (or
// KEYROOM_PHONE=1): https on the LAN address with a local certificate authority, whose certificate it also serves over
// plain http for the pairing window, for the phone to install first (ca-download.ts).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readFileSync, renameSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultDeviceName } from '@keyroom/device-kit'
import { connectDevice, type DeviceLink, formatDeviceLink, renderQrTerminal } from '@keyroom/room-client'
import {
  certificateFingerprint,
  defaultCertDir,
  ensureLocalCertificate,
  lanAddresses,
  trustInstructions,
} from '@keyroom/room-client/local-ca'
import { NODE_FROM_SOURCE } from '@keyroom/test-kit/from-source'
import { type AuthorityDownload, authorityPort, serveAuthority } from './ca-download.js'
import {
  CHECK_NAME,
  checkIdentity,
  DEFAULT_WINDOW_SECONDS,
  pairStartReceiver,
  receiverDir,
} from './start-room.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const port = Number(process.env.PORT ?? 7300)
// Phone mode: https on the LAN with a local certificate authority, so a phone gets a secure context (service
// worker, wake lock, camera) and no one on the Wi-Fi can alter the keypad in transit.
const phone = process.argv.includes('--phone') || process.env.KEYROOM_PHONE === '1'
const host = process.env.HOST ?? (phone ? '0.0.0.0' : '127.0.0.1')
// The log driver prints what it would type: typing into the laptop you pair from is rarely what a first run wants.
const driver = process.env.KEYROOM_DRIVER ?? 'log'
// Where the keypad is built and served from. Tests point this at a temp dir so that `pnpm test` beside a running
// `pnpm start` never rebuilds the keypad that start is serving.
const keypadDir = process.env.KEYROOM_KEYPAD_DIR ?? join(root, 'apps/keypad/dist')
// start's own state: its receiver's identity, room and approvals, kept across runs.
const startDir = process.env.KEYROOM_START_DIR ?? join(root, '.keyroom')
const lanAddress = lanAddresses()[0]
const publicHost = host === '0.0.0.0' && lanAddress ? lanAddress : '127.0.0.1'
if (phone && publicHost === '127.0.0.1') {
  console.error(
    `keyroom did not start: phone mode needs a network address other than loopback (${lanAddress ? `HOST is ${host}` : 'none found: join a Wi-Fi'})`,
  )
  process.exit(1)
}
// Phone mode serves the authority's certificate over plain http on this port, for the pairing window (ca-download.ts).
const caPort = phone ? authorityPort(process.env.KEYROOM_CA_PORT, port) : undefined
if (caPort && !caPort.ok) {
  console.error(`keyroom did not start: ${caPort.error}`)
  process.exit(1)
}
const scheme = phone ? 'https' : 'http'
const publicUrl = `${scheme}://${publicHost}:${port}`
const localUrl = `${scheme}://127.0.0.1:${port}`
const certDir = process.env.KEYROOM_CERT_DIR ?? defaultCertDir()
const certificate = phone
  ? await ensureLocalCertificate({ dir: certDir }).catch((error: Error) => {
      console.error(`keyroom did not start: no certificate for phone mode in ${certDir}: ${error.message}`)
      process.exit(1)
    })
  : undefined
if (certificate && process.env.NODE_EXTRA_CA_CERTS !== certificate.caCertPath) {
  // Node reads NODE_EXTRA_CA_CERTS only when it starts: run again trusting the local authority, so start's own
  // checks and the receiver reach the relay over https the way the phone does.
  const again = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate.caCertPath },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => again.kill(signal))
  again.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
  await new Promise<never>(() => {})
}
const children: ChildProcess[] = []

let stopping = false
let ready = false
/** Before everything is up, a child's failure is one line on stderr, not a success banner followed by a trace. */
function failStart(message: string): never {
  console.error(`keyroom did not start: ${message}`)
  stopping = true
  // The children stop on SIGTERM on their own (the receiver releases what it holds first).
  for (const child of children) child.kill('SIGTERM')
  process.exit(1)
}
/** Once a child has failed, startup goes no further (it would print the banner): stopAll exits the process. */
const untilExit = new Promise<never>(() => {})
/** What the children wrote to stderr before everything was up, shown once it is (or dropped with the one line). */
const earlyStderr: Buffer[] = []
/** Sends SIGTERM to the receiver (it releases held keys on its own) and the relay; waits up to 5 s for both. */
function stopAll(code: number): void {
  if (stopping) return
  stopping = true
  const running = children.reverse().filter((child) => child.exitCode === null && child.signalCode === null)
  const exits = running.map((child) => new Promise((resolve) => child.once('exit', resolve)))
  for (const child of running) child.kill('SIGTERM')
  const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref())
  void Promise.race([Promise.all(exits), deadline]).then(() => process.exit(code))
}
process.on('SIGINT', () => stopAll(0))
process.on('SIGTERM', () => stopAll(0))

function start(name: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [...NODE_FROM_SOURCE, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let firstError = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    if (ready) return void process.stderr.write(chunk)
    earlyStderr.push(chunk)
    // Until everything is up, keep the child's first line: it is the reason if it exits.
    firstError ||=
      chunk
        .toString()
        .split('\n')
        .find((line) => line.trim() !== '') ?? ''
  })
  child.on('exit', (code, signal) => {
    if (stopping) return
    if (!ready) {
      console.error(`keyroom did not start: the ${name} exited: ${firstError || `${signal ?? code}`}`)
      return stopAll(1)
    }
    console.error(`${name} exited (${signal ?? code}); stopping`)
    stopAll(code ?? 1)
  })
  children.push(child)
  return child
}

const portFree = (at: number, on: string) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(at, on, () => probe.close(() => resolve(true)))
  })
const caPortBusy = (at: number) =>
  `port ${at} on ${publicHost} (the authority's download) is in use; pick another: KEYROOM_CA_PORT=${at + 1} pnpm start -- --phone`

/** A busy port (the relay's, or in phone mode the authority's) is found before anything is built or started. */
async function checkPortsFree(): Promise<void> {
  if (!(await portFree(port, host)))
    failStart(
      `port ${port} on ${host} is in use (another pnpm start?); pick another: PORT=${port + 1} pnpm start${phone ? ' -- --phone' : ''}`,
    )
  if (caPort?.ok && !(await portFree(caPort.value, publicHost))) failStart(caPortBusy(caPort.value))
}

/** Both the relay and the keypad it serves: /healthz answers and / is the keypad's page. */
async function waitForRelayAndKeypad(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (stopping) return untilExit
    const ok =
      (await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )) &&
      (await fetch(`${url}/`).then(
        async (r) => r.ok && (await r.text()).includes('<div id="root">'),
        () => false,
      ))
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  failStart(`the relay did not serve the keypad on ${url} within ${timeoutMs} ms`)
}

/**
 * The receiver is up once a member of the room has a session with it: the same handshake a phone's keypad makes.
 * The check has its own view-only identity (start-room.ts), so it never uses the phone's pairing window.
 */
async function waitForReceiver(link: DeviceLink, timeoutMs: number): Promise<void> {
  // The check connects to the relay on loopback: it runs on this machine, whatever address the phone uses.
  const { pairingSecret: _phones, ...room } = link
  const probe = connectDevice({
    link: { ...room, relay: localUrl },
    identity: checkIdentity(startDir),
    role: 'keypad',
    name: CHECK_NAME,
  })
  const deadline = Date.now() + timeoutMs
  try {
    while (Date.now() < deadline) {
      if (stopping) return untilExit
      if (probe.peers().some((peer) => peer.role === 'mac-receiver')) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } finally {
    probe.close()
  }
  failStart(`the receiver did not join the room within ${timeoutMs} ms`)
}

await checkPortsFree()
console.error('building the keypad…')
const vite = join(root, 'apps/keypad/node_modules/vite/bin/vite.js')
// Built beside its place and moved in, so a relay already serving it never sees a half-written directory.
const building = `${keypadDir}.building`
const build = spawnSync(
  process.execPath,
  [vite, 'build', '--outDir', building, '--emptyOutDir', '--logLevel', 'warn'],
  {
    cwd: join(root, 'apps/keypad'),
    stdio: 'inherit',
  },
)
if (build.status !== 0) failStart('the keypad did not build (its errors are above)')
rmSync(keypadDir, { recursive: true, force: true })
renameSync(building, keypadDir)

start('relay', ['apps/relay/src/main.ts'], {
  PORT: String(port),
  HOST: host,
  KEYPAD_DIR: keypadDir,
  // The receiver's lines are what a first run is about; the relay speaks up only about problems.
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  ...(publicHost !== '127.0.0.1' && { ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? publicUrl }),
  ...(certificate && { TLS_CERT: certificate.certPath, TLS_KEY: certificate.keyPath }),
})
await waitForRelayAndKeypad(localUrl, 20_000)
const paired = await pairStartReceiver(startDir, publicUrl, defaultDeviceName()).catch((error: Error) =>
  failStart(`the receiver could not pair: ${error.message}`),
)
// The authority as phones install it (DER), served as long as the pairing window just opened: the phone installs
// it, then opens the keypad link.
const caDer = certificate && readFileSync(certificate.caPhonePath)
const caDownload: AuthorityDownload | undefined =
  caDer && caPort?.ok
    ? await serveAuthority({
        der: caDer,
        host: publicHost,
        port: caPort.value,
        windowMs: DEFAULT_WINDOW_SECONDS * 1000,
      }).catch((error: NodeJS.ErrnoException) =>
        failStart(
          error.code === 'EADDRINUSE'
            ? caPortBusy(caPort.value)
            : `the authority's download did not start: ${error.message}`,
        ),
      )
    : undefined
start('receiver', ['apps/mac-receiver/src/main.ts', 'run', '--driver', driver], {
  KEYROOM_CONFIG_DIR: receiverDir(startDir),
  // Its stderr comes through start: it speaks in lines ("keypad joined") when start's own stderr is a terminal.
  ...(process.stderr.isTTY && !process.env.KEYROOM_LOG_FORMAT && { KEYROOM_LOG_FORMAT: 'human' }),
})

await waitForReceiver(paired, 20_000)
ready = true
for (const chunk of earlyStderr.splice(0)) process.stderr.write(chunk)

const link = formatDeviceLink(paired)
const minutes = DEFAULT_WINDOW_SECONDS / 60
if (certificate && caDer && caDownload) {
  // The phone's two steps, in order, each with its QR code: trust the authority (http), then open the keypad (https).
  console.log(`keyroom is running: relay and keypad on ${publicUrl}, a receiver with the ${driver} driver.`)
  console.log(`The certificate covers ${certificate.names.join(', ')}.`)
  const fingerprint = certificateFingerprint(caDer)
  console.log(trustInstructions(certificate.caPhonePath, { url: caDownload.url, fingerprint, minutes }))
  console.log(await renderQrTerminal(caDownload.url))
  console.log(
    `2. Then open the keypad link on the phone (or scan the QR code below) within ${minutes} minutes: the first device to open it is approved.`,
  )
  console.log(await renderQrTerminal(link))
} else {
  console.log(await renderQrTerminal(link))
  console.log(`keyroom is running: relay and keypad on ${publicUrl}, a receiver with the ${driver} driver.`)
  if (publicHost === '127.0.0.1')
    console.log('For a phone on your Wi-Fi, over https: npx -y pnpm@10.34.9 start -- --phone')
  console.log(
    `Open the link on your phone (or scan the QR code) within ${minutes} minutes: the first device to open it is approved.`,
  )
}
console.log(
  `Another device later waits for approval: KEYROOM_CONFIG_DIR=${receiverDir(startDir)} npx -y pnpm@10.34.9 receiver devices approve <code>`,
)
console.log(link)
