// Issue 15, the macro pad: default shortcuts follow the receiver's platform, buttons show their pressed state, and
// the editor asks before deleting.
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, startReceiver, touchHold } from './phone.js'

const e2e = serveKeypadForSuite()
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })

describe('macro pad', () => {
  it('uses Cmd for a Mac, shows a pressed macro, and asks before deleting one', async () => {
    const { actions, url } = await startReceiver(e2e.relay.url, 'Real Mac', { platform: 'darwin' })
    const context = await newPhone(e2e.browser)
    onTestFinished(() => context.close())
    const page = await context.newPage()
    await openPairingLink(page, url)
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    await button(page, 'Macros').tap()

    const hold = await touchHold(page, button(page, 'Copy'))
    await expect.poll(() => button(page, 'Copy').getAttribute('data-active')).toBe('true')
    await hold.release()
    await expect.poll(() => button(page, 'Copy').getAttribute('data-active')).toBeNull()
    await vi.waitFor(() =>
      expect(actions).toEqual([{ type: 'chord', modifiers: ['MetaLeft'], code: 'KeyC' }]),
    )

    await button(page, 'Edit macros').tap()
    await button(page, 'Delete Copy').tap()
    await page.getByText('Delete Copy?').waitFor()
    await button(page, 'Keep Copy').tap()
    await button(page, 'Delete Copy').tap()
    await button(page, 'Yes, delete Copy').tap()
    await button(page, 'Delete Copy').waitFor({ state: 'detached' })
    await button(page, 'Done').tap()
    await expect(button(page, 'Paste').isVisible()).resolves.toBe(true)
    expect(await button(page, 'Copy').count()).toBe(0)
  }, 60_000)
})
