// Issue 15, where keys go: one keypad in a room with a Mac and a Pi chooses, per layout and per macro, which of them
// a key reaches, so a Pi pin key does not also type a letter on the Mac.
import type { KeyAction } from '@keyroom/key-events'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, startReceiver } from './phone.js'

const e2e = serveKeypadForSuite()
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
const keysGoTo = (page: Page) => page.getByRole('combobox', { name: 'Keys go to' })
const taps = (actions: readonly KeyAction[]) =>
  actions.flatMap((a) =>
    a.type === 'key' && a.phase === 'down' ? [a.code] : a.type === 'key' ? [] : [a.type],
  )

describe('where keys go', () => {
  it('a layout sends to the Pi pins or to one device, a macro to its own choice, and Release all to both', async () => {
    const mac = await startReceiver(e2e.relay.url, 'Studio Mac')
    const pi = await startReceiver(e2e.relay.url, 'Door Pi', { room: mac.paired.link.room, role: 'pi-agent' })
    const piActions = pi.actions
    const context = await newPhone(e2e.browser)
    onTestFinished(() => context.close())
    const page = await context.newPage()
    await openPairingLink(page, mac.url)
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    // With one receiver there is nothing to choose.
    expect(await keysGoTo(page).count()).toBe(0)
    await openPairingLink(page, pi.url)
    await vi.waitFor(async () => expect(await page.getByTestId('verdict').allTextContents()).toHaveLength(2))
    await page.getByTestId('verdict').nth(1).getByText('approved').waitFor()

    await keysGoTo(page).selectOption({ label: 'Pi pins' })
    await button(page, 'L').tap()
    await vi.waitFor(() => expect(taps(piActions)).toEqual(['KeyL']))
    expect(mac.actions).toEqual([])

    await keysGoTo(page).selectOption({ label: 'Studio Mac' })
    await button(page, 'Q').tap()
    await vi.waitFor(() => expect(taps(mac.actions)).toEqual(['KeyQ']))
    expect(taps(piActions)).toEqual(['KeyL'])

    // The choice is the layout's and is kept: another layout still sends everywhere; after a reload, qwerty's holds.
    await button(page, '123').tap()
    expect(await keysGoTo(page).inputValue()).toBe('all')
    await page.reload()
    await page.getByTestId('verdict').nth(1).waitFor()
    await button(page, 'ABC').tap()
    await expect.poll(() => keysGoTo(page).locator('option:checked').textContent()).toBe('Studio Mac')

    // A macro with its own target: the macro pad sends everywhere, this one only to the Pi.
    await button(page, 'Macros').tap()
    await button(page, 'Edit macros').tap()
    await button(page, 'New macro').tap()
    await page.getByRole('textbox', { name: 'Label' }).fill('Door')
    await page.getByRole('textbox', { name: 'Chord' }).fill('D')
    await page.getByRole('combobox', { name: 'Sends to' }).selectOption({ label: 'Door Pi' })
    await button(page, 'Save macro').tap()
    await button(page, 'Done').tap()
    await expect(button(page, 'Door').textContent()).resolves.toBe('Door→ Door Pi')
    await button(page, 'Door').tap()
    await vi.waitFor(() => expect(piActions.at(-1)).toEqual({ type: 'key', code: 'KeyD', phase: 'tap' }))

    await button(page, 'Release all').tap()
    await vi.waitFor(() => {
      expect(mac.actions.at(-1)).toEqual({ type: 'release-all' })
      expect(piActions.at(-1)).toEqual({ type: 'release-all' })
    })
    // Sent after them on the same socket, release-all arrives last: nothing else reached the Mac, nor L the Mac
    // (checked above: Q was the first key it got).
    expect(taps(mac.actions)).toEqual(['KeyQ', 'release-all'])
  }, 90_000)
})
