// Issue 12 section 7, "the keypad guards itself": a strict CSP it works under, a service worker that asks before
// new code runs, its own version shown, and no room adopted from a URL without the user's confirmation.
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KEYPAD_CSP } from '@keyroom/relay'
import { createRoomId, formatDeviceLink, toBase64url } from '@keyroom/room-client'
import { startTestRelay, tempDir } from '@keyroom/test-kit'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { joinDialog, openPairingLink, startReceiver } from './phone.js'

const e2e = serveKeypadForSuite()

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })

/** A phone page that records every CSP violation, from the first script on. */
async function phonePage() {
  const context = await newPhone(e2e.browser)
  onTestFinished(() => context.close())
  await context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    )
  })
  const page = await context.newPage()
  const console: string[] = []
  page.on('console', (message) => console.push(message.text()))
  const violations = async () => [
    ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)),
    ...console.filter((line) => /Content Security Policy/i.test(line)),
  ]
  return { context, page, violations }
}

/** This phone's fingerprint as the pairing panel shows it, once its identity has loaded. */
async function shownFingerprint(page: Page) {
  const fingerprint = page.getByTestId('phone-fingerprint')
  await expect.poll(() => fingerprint.textContent()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/)
  return fingerprint.textContent()
}

async function pairedReceiver(name: string, room?: string) {
  const receiver = await startReceiver(e2e.relay.url, name, room ? { room } : {})
  return { link: receiver.paired.link, receiver, url: receiver.url }
}

describe('content security policy', () => {
  it('serves the keypad with a strict CSP, and the built page has no inline script', async () => {
    const response = await fetch(`${e2e.relay.url}/`)
    expect(response.headers.get('content-security-policy')).toBe(KEYPAD_CSP)
    for (const directive of [
      "script-src 'self'",
      "connect-src 'self'",
      "default-src 'none'",
      "frame-ancestors 'none'",
    ])
      expect(KEYPAD_CSP).toContain(directive)
    expect(KEYPAD_CSP).not.toMatch(/unsafe-inline|unsafe-eval/)
    const html = await response.text()
    // Every <script> has a src: nothing inline for the policy to allow.
    expect([...html.matchAll(/<script\b[^>]*>/g)].filter((tag) => !/\ssrc=/.test(tag[0]))).toEqual([])
    expect((await fetch(`${e2e.relay.url}/sw.js`)).headers.get('content-security-policy')).toBe(KEYPAD_CSP)
  })

  it('pairs, types, draws its QR code and registers its worker under the CSP without a violation', async () => {
    const { link, receiver, url } = await pairedReceiver('CSP Mac')
    const { page, violations } = await phonePage()
    await openPairingLink(page, url)
    await page.getByText('CSP Mac', { exact: true }).waitFor()
    await button(page, 'Q').tap()
    await vi.waitFor(() => expect(receiver.actions).toHaveLength(2))
    await button(page, 'Pairing').tap()
    await button(page, 'Show QR code').tap()
    await page.getByRole('img', { name: 'Pairing QR code' }).waitFor()
    await page.evaluate(() => navigator.serviceWorker.ready)
    expect(await violations()).toEqual([])
    expect(link.relay).toBe(e2e.relay.url)

    // The policy is really enforced: an injected inline script is blocked and reported.
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.head.append(script)
    })
    await vi.waitFor(async () => expect((await violations()).join('\n')).toMatch(/script-src/))
    expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined()
  })

  it('shows its own version and build', async () => {
    const { page } = await phonePage()
    await page.goto(`${e2e.relay.url}/`)
    // An unpaired keypad opens with its pairing panel, where the build is named.
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'))
    await expect(page.getByTestId('build-info').textContent()).resolves.toMatch(
      new RegExp(`^keyroom keypad ${version.replaceAll('.', '\\.')}, build (\\w{10}(-dirty)?|unknown)$`),
    )
  })
})

describe('service worker update', () => {
  it('asks before new code takes over, and takes it on the tap', async () => {
    // A copy of the build the relay serves, so that a "deploy" can change it without touching the shared build.
    const served = tempDir('keypad-update-')
    cpSync(e2e.dist, served, { recursive: true })
    let own = await startTestRelay({ staticDir: served })
    const { page } = await phonePage()
    await page.goto(`${own.url}/`)
    await page.evaluate(() => navigator.serviceWorker.ready)
    await page.reload()
    await vi.waitFor(async () =>
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true),
    )
    const firstWorker = await page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL,
    )
    expect(firstWorker).toBe(`${own.url}/sw.js`)

    // New code on the server: the relay restarts on the same port with a changed worker.
    await own.close()
    writeFileSync(join(served, 'sw.js'), `${readFileSync(join(served, 'sw.js'), 'utf8')}\n// next version\n`)
    own = await startTestRelay({ staticDir: served, port: own.port })
    await page.evaluate(() => {
      ;(window as { beforeUpdate?: boolean }).beforeUpdate = true
    })
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
    const prompt = page.getByRole('complementary', { name: 'Update' })
    await prompt.waitFor()
    await expect(prompt.textContent()).resolves.toContain('New version ready')
    // Installed but waiting: this page still runs the old worker and was not reloaded.
    expect(
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration()
        return {
          waiting: registration?.waiting?.state,
          stillHere: (window as { beforeUpdate?: boolean }).beforeUpdate,
        }
      }),
    ).toEqual({ waiting: 'installed', stillHere: true })

    await prompt.getByRole('button', { name: 'Reload' }).tap()
    await vi.waitFor(
      async () =>
        expect(
          await page.evaluate(async () => {
            const registration = await navigator.serviceWorker.getRegistration()
            return {
              waiting: registration?.waiting ?? null,
              controlled: navigator.serviceWorker.controller?.state,
              stillHere: (window as { beforeUpdate?: boolean }).beforeUpdate ?? false,
            }
          }),
        ).toEqual({ waiting: null, controlled: 'activated', stillHere: false }),
      { timeout: 15_000 },
    )
    expect(await prompt.count()).toBe(0)
    expect(await (await fetch(`${own.url}/sw.js`)).text()).toContain('// next version')
  }, 60_000)
})

describe('switching rooms from a URL', () => {
  it('says when a link names a relay other than the one that served the keypad (its CSP blocks that)', async () => {
    const { page } = await phonePage()
    const elsewhere = (await pairedReceiver('Far Mac')).link
    await page.goto(
      formatDeviceLink({ ...elsewhere, relay: 'http://relay.elsewhere.test:7300' }, e2e.relay.url),
    )
    await expect(joinDialog(page).textContent()).resolves.toContain(
      'its security policy lets it connect only there: open the link from relay.elsewhere.test:7300 instead',
    )
  }, 60_000)

  it('a foreign page that navigates the keypad to its own link gets a confirmation; nothing switches before it', async () => {
    const mine = await pairedReceiver('My Mac')
    const theirs = await pairedReceiver('Their Mac')
    const { context, page } = await phonePage()
    await openPairingLink(page, mine.url)
    await page.getByText('My Mac', { exact: true }).waitFor()
    const host = new URL(e2e.relay.url).host
    await expect(page.getByTestId('active-room').textContent()).resolves.toBe(`Room ${host} · My Mac`)

    // A page on another site sends this tab to the keypad with its own room's link.
    await context.route('http://foreign.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<script>location.href = ${JSON.stringify(theirs.url)}</script>`,
      }),
    )
    await page.goto('http://foreign.test/')
    const dialog = joinDialog(page)
    await dialog.waitFor()
    await expect(dialog.textContent()).resolves.toContain(`through the relay ${host}`)
    await expect(dialog.getByTestId('join-relay').textContent()).resolves.toBe(theirs.link.relay)
    await expect(dialog.textContent()).resolves.toContain(`Joining leaves ${host}`)
    // Same relay as the page: no warning that it cannot connect.
    await expect(dialog.textContent()).resolves.not.toContain('security policy')
    expect(page.url()).not.toContain('ps=')

    // Until confirmed, keys still go to the room in use, and the other room is not even stored.
    await page.getByText('My Mac', { exact: true }).waitFor()
    await button(page, 'Q').tap()
    await vi.waitFor(() => expect(mine.receiver.actions).toHaveLength(2))
    expect(theirs.receiver.actions).toEqual([])
    expect(theirs.receiver.room.peers().map((p) => p.role)).not.toContain('keypad')
    expect(await page.evaluate(() => localStorage.getItem('keyroom.rooms.v2'))).not.toContain(
      theirs.link.room,
    )
    await expect(page.getByTestId('active-room').textContent()).resolves.toBe(`Room ${host} · My Mac`)

    // Cancelled: nothing changes.
    await dialog.getByRole('button', { name: 'Cancel' }).tap()
    await dialog.waitFor({ state: 'detached' })
    // The same link again, as a hash change in this document, confirmed under a name the user gives it.
    await page.evaluate((hash) => {
      location.hash = hash
    }, new URL(theirs.url).hash)
    await dialog.getByRole('textbox', { name: 'Name this room' }).fill('Office Pi')
    await dialog.getByRole('button', { name: 'Join room' }).tap()
    await page.getByText('Their Mac', { exact: true }).waitFor()
    await expect(page.getByTestId('active-room').textContent()).resolves.toBe('Room Office Pi · Their Mac')
    await button(page, 'W').tap()
    await vi.waitFor(() =>
      expect(theirs.receiver.actions).toEqual([
        { type: 'key', code: 'KeyW', phase: 'down' },
        { type: 'key', code: 'KeyW', phase: 'up' },
      ]),
    )
    expect(mine.receiver.actions).toHaveLength(2)
  }, 60_000)

  it('shows the receiver and this phone by fingerprint before joining, and drops the pairing secret once approved', async () => {
    const mac = await pairedReceiver('My Mac')
    const { page } = await phonePage()
    await page.goto(mac.url)
    const dialog = joinDialog(page)
    // The fingerprints appear once the crypto has loaded (after the first render).
    await expect
      .poll(() => dialog.getByTestId('join-receiver').textContent())
      .toBe(`My Mac ${mac.receiver.paired.store.identity().fingerprint}`)
    const phone = (await dialog.getByTestId('join-phone-fingerprint').textContent()) ?? ''
    expect(phone).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/)
    await dialog.getByRole('button', { name: 'Join room' }).tap()
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    // The receiver knows this phone by the same fingerprint the dialog showed.
    expect(mac.receiver.paired.store.devices().map((d) => [d.fingerprint, d.state])).toEqual([
      [phone, 'approved'],
    ])
    const secret = toBase64url(mac.link.pairingSecret ?? new Uint8Array())
    await vi.waitFor(async () =>
      expect(await page.evaluate(() => localStorage.getItem('keyroom.rooms.v2'))).not.toContain(secret),
    )
    // A reload is the same phone (its identity kept in IndexedDB): approved again without any secret.
    await page.reload()
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    expect(mac.receiver.paired.store.devices()).toHaveLength(1)
  }, 60_000)

  it('a second receiver link for the room in use adds that receiver (a Mac and a Pi), and keys reach both', async () => {
    const mac = await pairedReceiver('Studio Mac')
    const pi = await pairedReceiver('Door Pi', mac.link.room)
    const { page } = await phonePage()
    await openPairingLink(page, mac.url)
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    await page.goto(pi.url)
    const dialog = page.getByRole('dialog', { name: 'Add this receiver?' })
    await dialog.getByRole('button', { name: 'Add receiver' }).tap()
    await vi.waitFor(async () =>
      expect(await page.getByTestId('verdict').allTextContents()).toEqual([
        ' approved (admin)',
        ' approved (admin)',
      ]),
    )
    await expect(page.getByTestId('active-room').textContent()).resolves.toMatch(/Studio Mac, Door Pi$/)
    await button(page, 'Q').tap()
    await vi.waitFor(() => expect([mac.receiver.actions.length, pi.receiver.actions.length]).toEqual([2, 2]))
  }, 60_000)

  it('a link from an older keyroom says to pair again, and joins nothing', async () => {
    const { page } = await phonePage()
    const v1 = `${e2e.relay.url}/#relay=${encodeURIComponent(e2e.relay.url)}&room=${createRoomId()}&key=${toBase64url(new Uint8Array(32))}`
    await page.goto(v1)
    await expect(page.getByRole('alert').first().textContent()).resolves.toBe(
      'This pairing link does not work: this link is from an older keyroom: pair again',
    )
    expect(await joinDialog(page).count()).toBe(0)
    expect(page.url()).not.toContain('key=')
    await expect(page.getByTestId('connection-state').textContent()).resolves.toBe('Not paired')
  }, 60_000)

  it('a link whose receiver key was changed shows another fingerprint, and its keys go nowhere', async () => {
    const mac = await pairedReceiver('My Mac')
    const forged = { ...mac.link, peer: new Uint8Array(32).fill(7) }
    const { page } = await phonePage()
    await page.goto(formatDeviceLink(forged, e2e.relay.url))
    const dialog = joinDialog(page)
    await dialog.getByTestId('join-receiver-fingerprint').waitFor()
    await expect(dialog.getByTestId('join-receiver-fingerprint').textContent()).resolves.not.toContain(
      mac.receiver.paired.store.identity().fingerprint,
    )
    await dialog.getByRole('button', { name: 'Join room' }).tap()
    await expect(page.getByTestId('keys-idle').textContent()).resolves.toBe(
      "Keys do nothing yet: none of this room's receivers is here",
    )
    await button(page, 'Q').tap()
    expect(mac.receiver.actions).toEqual([])
  }, 60_000)

  it('keeps its identity in IndexedDB encrypted under a non-extractable key; a record that does not open makes a new one', async () => {
    const { page } = await phonePage()
    await page.goto(`${e2e.relay.url}/`)
    const shown = () => shownFingerprint(page)
    const first = await shown()
    const kept = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('keyroom')
        open.onsuccess = () => resolve(open.result)
        open.onerror = () => reject(open.error)
      })
      const record = await new Promise<Record<string, unknown>>((resolve) => {
        const get = db.transaction('identity').objectStore('identity').get('device')
        get.onsuccess = () => resolve(get.result)
      })
      db.close()
      const key = record.wrapKey as CryptoKey
      const exported = await crypto.subtle.exportKey('raw', key).then(
        () => 'exported',
        (error: DOMException) => error.name,
      )
      return {
        fields: Object.keys(record).sort(),
        algorithm: key.algorithm.name,
        extractable: key.extractable,
        exported,
        sealedBytes: (record.sealed as ArrayBuffer).byteLength,
      }
    })
    // 32 secret bytes and a 16-byte tag; the key that opens them cannot be read out by any script.
    expect(kept).toEqual({
      fields: ['iv', 'sealed', 'wrapKey'],
      algorithm: 'AES-GCM',
      extractable: false,
      exported: 'InvalidAccessError',
      sealedBytes: 48,
    })
    await page.reload()
    expect(await shown()).toBe(first)

    // Storage is untrusted: a record that no longer opens is replaced by a new identity (this phone pairs again).
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const open = indexedDB.open('keyroom')
        open.onsuccess = () => resolve(open.result)
      })
      const store = db.transaction('identity', 'readwrite').objectStore('identity')
      const record = await new Promise<Record<string, unknown>>((resolve) => {
        const get = store.get('device')
        get.onsuccess = () => resolve(get.result)
      })
      await new Promise((resolve) => {
        store.put({ ...record, sealed: new ArrayBuffer(48) }, 'device').onsuccess = resolve
      })
      db.close()
    })
    await page.reload()
    const second = await shown()
    expect(second).not.toBe(first)
    await page.reload()
    expect(await shown()).toBe(second)
  }, 60_000)

  it('without storage (IndexedDB refused, as in some private modes) says so, is a new device each visit, and still pairs and types', async () => {
    const { page } = await phonePage()
    await page.context().addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('storage is disabled in this mode', 'InvalidStateError')
      }
    })
    await page.goto(`${e2e.relay.url}/`)
    const shown = () => shownFingerprint(page)
    const first = await shown()
    await expect(page.getByTestId('phone-key-kept').textContent()).resolves.toContain(
      'key kept in memory only',
    )
    await page.reload()
    expect(await shown()).not.toBe(first)

    const mac = await pairedReceiver('Studio Mac')
    await openPairingLink(page, mac.url)
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    await button(page, 'Q').tap()
    await vi.waitFor(() => expect(mac.receiver.actions.map((a) => a.type)).toEqual(['key', 'key']))
  }, 60_000)
})
