/// <reference lib="dom" />
// `pnpm start -- --phone` as a phone on the Wi-Fi meets it: the laptop (a network namespace whose only way out is a
// veth with 10.231.0.1) serves https on its LAN address; the phone (Chromium in a second namespace, 10.231.0.2, with
// the local authority trusted through an NSS database, as a phone that installed the profile) opens the link.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
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
      const certDir = join(work, 'tls')
      const start = spawnProcess(
        'ip',
        ['netns', 'exec', laptop, process.execPath, ...NODE_FROM_SOURCE, 'scripts/start.ts', '--phone'],
        {
          cwd: root,
          env: {
            PORT: String(PORT),
            KEYROOM_START_DIR: join(work, 'state'),
            KEYROOM_KEYPAD_DIR: join(work, 'keypad'),
            KEYROOM_CERT_DIR: certDir,
            KEYROOM_DRIVER: 'log',
            HOST: undefined,
          },
        },
      )
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

      // The file the phone is told to install.
      expect(start.stdout()).toContain(`copy ${join(certDir, 'ca.crt')} to it`)
      const trusting = await phoneBrowser('trusting', join(certDir, 'ca.crt'))
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
  },
)
