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
    for (const word of ['offline', 'screen awake', 'camera', 'read the room key', 'https'])
      expect(text).toContain(word)
    await notice.getByRole('button', { name: 'Dismiss' }).click()
    await notice.waitFor({ state: 'detached' })
  }, 60_000)

  it('is not shown in a secure context (loopback)', async () => {
    const page = await open(e2e.relay.url)
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true)
    expect(await page.getByRole('complementary', { name: 'Plain http' }).count()).toBe(0)
  }, 60_000)
})
