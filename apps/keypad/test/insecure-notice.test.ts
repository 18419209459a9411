// Over plain http from a name that is not loopback, the keypad says what the browser turns off and why.

import { describe, expect, it, onTestFinished } from 'vitest'
import { newPhone, serveKeypadForSuite } from './browser.js'

const e2e = serveKeypadForSuite(['--host-resolver-rules=MAP keypad.test 127.0.0.1'])

async function open(url: string) {
  const context = await newPhone(e2e.browser)
  onTestFinished(() => context.close())
  const page = await context.newPage()
  await page.goto(url)
  await page.getByRole('navigation', { name: 'Layouts' }).waitFor()
  return page
}

describe('plain http notice', () => {
  it('over plain http names what does not work and why, and goes away when dismissed', async () => {
    const page = await open(e2e.relay.url.replace('127.0.0.1', 'keypad.test'))
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false)
    const notice = page.getByRole('complementary', { name: 'Plain http' })
    await notice.waitFor()
    const text = await notice.textContent()
    for (const word of ['offline', 'screen awake', 'camera', 'unencrypted', 'read what you type', 'https'])
      expect(text).toContain(word)
    // No WebCrypto here: the identity is kept, but not encrypted, and the pairing panel says so.
    await expect
      .poll(() => page.getByTestId('phone-key-kept').textContent())
      .toBe(' · key kept unencrypted (plain http has no WebCrypto)')
    const fingerprint = await page.getByTestId('phone-fingerprint').textContent()
    await page.reload()
    await expect.poll(() => page.getByTestId('phone-fingerprint').textContent()).toBe(fingerprint)
    await notice.getByRole('button', { name: 'Dismiss' }).click()
    await notice.waitFor({ state: 'detached' })
  }, 60_000)

  it('is not shown in a secure context (loopback)', async () => {
    const page = await open(e2e.relay.url)
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true)
    expect(await page.getByRole('complementary', { name: 'Plain http' }).count()).toBe(0)
    await expect
      .poll(() => page.getByTestId('phone-key-kept').textContent())
      .toBe(' · key kept encrypted in this browser')
  }, 60_000)
})
