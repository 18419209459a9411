/// <reference lib="dom" />
// `pnpm start -- --phone` as a phone on the Wi-Fi meets it: the laptop (a network namespace whose only way out is a
// veth with 10.231.0.1) serves https on its LAN address; the phone (Chromium in a second namespace, 10.231.0.2, with
// the local authority trusted through an NSS database, as a phone that installed the profile) first downloads the
// authority over plain http from the link start prints, then opens the keypad link.
import { execFile, execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { certificateFingerprint } from '@keyroom/room-client/local-ca'
import { NODE_FROM_SOURCE, spawnProcess } from '@keyroom/test-kit'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const suffix = String(process.pid % 100_000)
const laptop = `kr-laptop-${suffix}`
const phone = `kr-phone-${suffix}`
const LAPTOP_IP = '10.231.0.1'
const PHONE_IP = '10.231.0.2'
const PORT = 7300
const CA_PORT = PORT + 1

const sh = (command: string, args: string[]) =>
  execFileSync(command, args, { timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).toString()

/** Why network namespaces cannot be used here (not root, no `ip`, a container that forbids them), or undefined. */
function namespaceProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)'
  const probe = `kr-probe-${suffix}`
  try {
    sh('ip', ['netns', 'add', probe])
    sh('ip', ['netns', 'del', probe])
    return undefined
  } catch (error) {
    return `ip netns add failed: ${(error as { stderr?: Buffer }).stderr?.toString().trim() || String(error)}`
  }
}
const problem = namespaceProblem()
if (problem) console.warn(`start-phone.test.ts skipped: ${problem}`)

const work = mkdtempSync(join(tmpdir(), 'keyroom-phone-'))
let browsers: Browser[] = []

beforeAll(() => {
  if (problem) return
  sh('ip', ['netns', 'add', laptop])
  sh('ip', ['netns', 'add', phone])
  sh('ip', [
    'link',
    'add',
    `krl${suffix}`,
    'netns',
    laptop,
    'type',
    'veth',
    'peer',
    'name',
    `krp${suffix}`,
    'netns',
    phone,
  ])
  for (const [ns, dev, ip] of [
    [laptop, `krl${suffix}`, LAPTOP_IP],
    [phone, `krp${suffix}`, PHONE_IP],
  ] as const) {
    sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', dev])
    sh('ip', ['-n', ns, 'link', 'set', dev, 'up'])
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
  }
})

afterAll(async () => {
  await Promise.all(browsers.map((browser) => browser.close()))
  browsers = []
  if (!problem) {
    for (const ns of [laptop, phone]) {
      // Whatever the test started in there (start, its relay and receiver, Chromium) goes with the namespace.
      const pids = sh('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean)
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL')
      sh('ip', ['netns', 'del', ns])
    }
  }
  rmSync(work, { recursive: true, force: true })
})

/** A GET from the phone's namespace, by Node's fetch there: its status, content type and body. */
/** `pnpm start -- --phone` in the laptop's namespace on `port`, its state, keypad and certificates under `work/<name>`. */
function startOnLaptop(port: number, name: string, env: Record<string, string> = {}) {
  return spawnProcess(
    'ip',
    ['netns', 'exec', laptop, process.execPath, ...NODE_FROM_SOURCE, 'scripts/start.ts', '--phone'],
    {
      cwd: root,
      env: {
        PORT: String(port),
        KEYROOM_START_DIR: join(work, name, 'state'),
        KEYROOM_KEYPAD_DIR: join(work, name, 'keypad'),
        KEYROOM_CERT_DIR: join(work, name, 'tls'),
        HOST: undefined,
        KEYROOM_CA_PORT: undefined,
        ...env,
      },
    },
  )
}

async function fetchFromPhone(url: string) {
  const script = `const r = await fetch(process.argv[1])
console.log(JSON.stringify({ status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()).toString('base64') }))`
  const { stdout } = await promisify(execFile)(
    'ip',
    ['netns', 'exec', phone, process.execPath, '--input-type=module', '-e', script, url],
    { timeout: 10_000 },
  )
  const got = JSON.parse(stdout) as { status: number; type: string | null; body: string }
  return { ...got, body: Buffer.from(got.body, 'base64') }
}

/** Chromium in the phone's namespace; with `trusting`, that PEM authority is in its NSS database. */
async function phoneBrowser(name: string, trusting?: string): Promise<Browser> {
  const home = join(work, name)
  const nssdb = join(home, '.pki', 'nssdb')
  mkdirSync(nssdb, { recursive: true })
  sh('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password'])
  if (trusting)
    sh('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'keyroom local CA', '-t', 'C,,', '-i', trusting])
  const wrapper = join(work, `chromium-${name}.sh`)
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ip netns exec ${phone} ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} "$@"\n`,
  )
  chmodSync(wrapper, 0o755)
  const browser = await chromium.launch({
    executablePath: wrapper,
    // Chromium on Linux reads the user's NSS database from $HOME/.pki/nssdb.
    env: { ...process.env, HOME: home },
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  })
  browsers.push(browser)
  return browser
}

describe.skipIf(problem !== undefined)(
  `pnpm start -- --phone across two network namespaces${problem ? ` (skipped: ${problem})` : ''}`,
  () => {
    it('links to https on the LAN address, and a phone trusting the authority gets a secure, installable keypad', async () => {
      const certDir = join(work, 'main', 'tls')
      const start = startOnLaptop(PORT, 'main', { KEYROOM_DRIVER: 'log' })
      onTestFinished(async () => {
        if (start.child.exitCode === null) start.child.kill('SIGTERM')
        await start.exited
      })
      const prefix = `https://${LAPTOP_IP}:${PORT}/#v=2&relay=${encodeURIComponent(`https://${LAPTOP_IP}:${PORT}`)}&`
      const link = await vi.waitFor(
        () => {
          const line = start
            .stdout()
            .split('\n')
            .find((l) => l.startsWith(prefix))
          if (!line) throw new Error(`no https LAN link yet:\n${start.stdout()}\n${start.stderr()}`)
          return line.trim()
        },
        { timeout: 150_000, interval: 500 },
      )
      expect(start.stdout()).toContain(`keyroom is running: relay and keypad on https://${LAPTOP_IP}:${PORT}`)
      // The laptop's only non-loopback address is the one detected, and the certificate covers it.
      expect(start.stdout()).toContain(`The certificate covers localhost, 127.0.0.1, ::1, ${LAPTOP_IP}.`)
      expect(start.stdout()).toContain('Settings > General > About > Certificate Trust Settings')
      expect(statSync(join(certDir, 'ca-key.pem')).mode & 0o777).toBe(0o600)

      // Step 1, before the keypad's link: the authority over plain http on the LAN address, and its fingerprint.
      const out = start.stdout()
      const step1 = out.match(
        /^1\. On the phone, open (http:\/\/\S+) \(or scan the QR code below\) within 10 minutes and install$/m,
      )
      const printed = out.match(/compare its SHA-256 fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$/m)?.[1]
      const caUrl = step1?.[1] ?? ''
      expect(caUrl, out).toMatch(
        new RegExp(
          `^http://${LAPTOP_IP.replaceAll('.', '\\.')}:${CA_PORT}/ca/[A-Za-z0-9_-]{22}/keyroom-ca\\.crt$`,
        ),
      )
      expect(out.indexOf(caUrl)).toBeLessThan(out.indexOf('2. Then open the keypad link on the phone'))
      expect(out.indexOf('2. Then open the keypad link on the phone')).toBeLessThan(out.indexOf(link))
      expect(out).toContain(`(Or copy ${join(certDir, 'ca.crt')} to the phone.)`)

      // What the phone downloads is the authority's certificate, DER as in ca.crt, with the type its installer takes,
      // and its fingerprint is the one printed on the laptop.
      const caFile = readFileSync(join(certDir, 'ca.crt'))
      const downloaded = await fetchFromPhone(caUrl)
      expect(downloaded.status).toBe(200)
      expect(downloaded.type).toBe('application/x-x509-ca-cert')
      expect(downloaded.body.equals(caFile)).toBe(true)
      expect(printed).toBe(certificateFingerprint(caFile))
      expect(printed).toBe(new X509Certificate(downloaded.body).fingerprint256)
      // Another token, the key files and everything else on that port are 404s; no answer holds a key.
      const token = new URL(caUrl).pathname.split('/')[2] ?? ''
      const other = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
      const base = `http://${LAPTOP_IP}:${CA_PORT}`
      for (const url of [
        caUrl.replace(token, other),
        `${base}/ca/${token}/ca-key.pem`,
        `${base}/ca/${token}/key.pem`,
        `${base}/ca-key.pem`,
        `${base}/`,
      ]) {
        const got = await fetchFromPhone(url)
        expect({ url, status: got.status }).toEqual({ url, status: 404 })
        expect(got.body.toString()).not.toContain('PRIVATE KEY')
      }

      // The phone installs what it downloaded.
      const installed = join(work, 'downloaded-keyroom-ca.crt')
      writeFileSync(installed, downloaded.body)
      const trusting = await phoneBrowser('trusting', installed)
      const context = await trusting.newContext({ serviceWorkers: 'allow', isMobile: true, hasTouch: true })
      onTestFinished(() => context.close())
      const page = await context.newPage()
      await page.goto(link, { timeout: 30_000 })
      // The keypad asks before it joins a room a link names.
      await page
        .getByRole('dialog', { name: 'Join this room?' })
        .getByRole('button', { name: 'Join room' })
        .click()
      expect(await page.evaluate(() => location.origin)).toBe(`https://${LAPTOP_IP}:${PORT}`)
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true)
      expect(await page.evaluate(() => typeof navigator.mediaDevices?.getUserMedia)).toBe('function')
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready
      })
      // No clientsClaim in the keypad: its worker controls the pages loaded after it activated.
      await page.reload()
      await vi.waitFor(
        async () => expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true),
        { timeout: 15_000 },
      )
      // Over wss to the LAN address, the keypad finds the receiver `start` paired, which approves it (its window).
      await vi.waitFor(
        async () => expect(await page.getByTestId('connection-state').textContent()).toBe('Connected'),
        { timeout: 20_000 },
      )
      await vi.waitFor(
        async () => expect(await page.getByTestId('verdict').textContent()).toMatch(/^\s*approved/),
        {
          timeout: 20_000,
        },
      )

      // A phone that has not trusted the authority is stopped by the certificate, not served in the clear.
      const untrusting = await phoneBrowser('untrusting')
      const stranger = await untrusting.newPage()
      await expect(stranger.goto(link, { timeout: 30_000 })).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/)

      start.child.kill('SIGTERM')
      expect(await start.exited).toBe(0)
    }, 240_000)

    it("says in one line that the authority's port is busy, before building or starting anything", async () => {
      const relayPort = PORT + 10
      const caPort = relayPort + 1
      // Something else on the laptop holds the port the authority would be served on (the relay's + 1).
      const holder = spawnProcess('ip', [
        'netns',
        'exec',
        laptop,
        process.execPath,
        '-e',
        `require('node:net').createServer().listen(${caPort}, '${LAPTOP_IP}', () => console.log('listening'))`,
      ])
      onTestFinished(() => void holder.child.kill('SIGKILL'))
      await vi.waitFor(() => expect(holder.stdout()).toContain('listening'), { timeout: 10_000 })
      const start = startOnLaptop(relayPort, 'busy')
      expect(await start.exited).toBe(1)
      expect(start.stderr().trim()).toBe(
        `keyroom did not start: port ${caPort} on ${LAPTOP_IP} (the authority's download) is in use; pick another: KEYROOM_CA_PORT=${caPort + 1} pnpm start -- --phone`,
      )
      expect(start.stdout()).not.toContain('keyroom is running')
    }, 60_000)
  },
)
