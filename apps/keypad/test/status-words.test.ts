// Issue 15, "a keypad that says what is wrong": each failure in plain words, naming the relay; receivers' notices
// on the key that caused them; two receivers under one name; text typed while offline kept.
import { formatDeviceLink } from '@keyroom/room-client'
import { joinAsRoomMember, pairDeviceDir, startTestRelay } from '@keyroom/test-kit'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { NOTICE_SHOWN_MS } from '../src/app.js'
import { UNANSWERED_AFTER_MS } from '../src/status-bar.js'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, startReceiver } from './phone.js'

// keypad.test reaches the relay under a name its Origin allowlist does not hold.
const e2e = serveKeypadForSuite(['--host-resolver-rules=MAP keypad.test 127.0.0.1'])

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
const state = (page: Page) => page.getByTestId('connection-state')

async function phone(options: Parameters<typeof newPhone>[1] = {}) {
  const context = await newPhone(e2e.browser, options)
  onTestFinished(() => context.close())
  return { context, page: await context.newPage() }
}

const receiver = (relay: string, name: string, room?: string) =>
  startReceiver(relay, name, room ? { room } : {})

describe('the keypad says what is wrong', () => {
  it('names a relay it cannot reach, and shows no stale latency', async () => {
    const own = await startTestRelay({ staticDir: e2e.dist })
    const mac = await receiver(own.url, 'Mac')
    // The relay serves this page too: with nothing cached yet (a first visit, or a service worker still caching),
    // whatever the page needs to say why must already be loaded when the relay goes.
    const { page } = await phone({ serviceWorkers: 'block' })
    await openPairingLink(page, mac.url)
    await page.getByTestId('latency').waitFor({ timeout: 10_000 })
    await own.close()
    await vi.waitFor(
      async () =>
        expect(await state(page).textContent()).toBe(`Cannot reach the relay at ${new URL(own.url).host}`),
      { timeout: 15_000 },
    )
    expect(await page.getByTestId('latency').count()).toBe(0)
  }, 60_000)

  it("shows the relay's reason when it refuses this page's origin", async () => {
    const url = e2e.relay.url.replace('127.0.0.1', 'keypad.test')
    const { link } = pairDeviceDir(url)
    const { page } = await phone()
    await openPairingLink(page, formatDeviceLink(link, url))
    await vi.waitFor(
      async () =>
        expect(await state(page).textContent()).toMatch(
          new RegExp(`^The relay at ${new URL(url).host} refused this keypad: .*keypad\\.test.*not allowed`),
        ),
      { timeout: 15_000 },
    )
  }, 60_000)

  it('tells an empty room from one whose devices never answer (a stale or wrong link)', async () => {
    const empty = pairDeviceDir(e2e.relay.url)
    const { page } = await phone()
    await openPairingLink(page, formatDeviceLink(empty.link, e2e.relay.url))
    await page.getByText('No other device in this room yet').waitFor()
    await expect(page.getByTestId('keys-idle').textContent()).resolves.toBe(
      "Keys do nothing yet: none of this room's receivers is here",
    )

    // Two members of the same room that never shake hands (an older keyroom, a stray client): the relay counts them,
    // the phone cannot verify them.
    const stale = pairDeviceDir(e2e.relay.url)
    for (let i = 0; i < 2; i++) await joinAsRoomMember(e2e.relay.url, stale.link.room)
    const second = await phone()
    await openPairingLink(second.page, formatDeviceLink(stale.link, e2e.relay.url))
    await vi.waitFor(
      async () =>
        expect(await second.page.getByTestId('room-state').textContent()).toBe(
          '2 other devices are in this room but none answered: the link may be stale or wrong',
        ),
      { timeout: UNANSWERED_AFTER_MS + 10_000 },
    )
    await expect(state(second.page).textContent()).resolves.toBe('Connected')
  }, 60_000)

  it('says the phone is offline, drops the latency, and keeps text typed meanwhile', async () => {
    const mac = await receiver(e2e.relay.url, 'Mac')
    const { context, page } = await phone()
    await openPairingLink(page, mac.url)
    await page.getByTestId('latency').waitFor({ timeout: 10_000 })
    await context.setOffline(true)
    await vi.waitFor(async () =>
      expect(await state(page).textContent()).toBe('Offline: this phone has no network'),
    )
    expect(await page.getByTestId('latency').count()).toBe(0)
    const field = page.getByRole('textbox', { name: 'Text to type' })
    await field.fill('written on the train')
    await button(page, 'Send text').tap()
    await page.getByText('the text is kept').waitFor()
    expect(await field.inputValue()).toBe('written on the train')

    await context.setOffline(false)
    await vi.waitFor(async () => expect(await state(page).textContent()).toBe('Connected'), {
      timeout: 15_000,
    })
    await page.getByText('Mac', { exact: true }).waitFor({ timeout: 10_000 })
    await button(page, 'Send text').tap()
    await vi.waitFor(() => expect(mac.actions).toEqual([{ type: 'text', text: 'written on the train' }]))
    expect(await field.inputValue()).toBe('')
  }, 60_000)

  it("shows a receiver's notice briefly, in its words, on the key that caused it", async () => {
    const mac = await receiver(e2e.relay.url, 'Studio Mac')
    // This receiver cannot press Pause and says so about the very message that asked.
    mac.room.on('message', ({ from, seq, body }) => {
      if (body.type === 'key' && body.code === 'Pause' && body.phase === 'down')
        void mac.room.send({
          type: 'notice',
          level: 'warn',
          code: 'unsupported-key',
          message: 'Pause cannot be injected here',
          ref: { from, seq },
        })
    })
    const { page } = await phone()
    await openPairingLink(page, mac.url)
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    await button(page, 'F1-12').tap()
    await button(page, 'Pause').tap()
    const notice = page.getByTestId('notice')
    await expect(notice.textContent()).resolves.toBe('Pause: Studio Mac: Pause cannot be injected here')
    await expect(button(page, 'Pause').getAttribute('data-notice')).resolves.toBe('true')
    await notice.waitFor({ state: 'detached', timeout: NOTICE_SHOWN_MS + 5_000 })
    expect(await button(page, 'Pause').getAttribute('data-notice')).toBeNull()
  }, 60_000)

  it('says so when two receivers in the room share a name', async () => {
    // Both receivers' links opened: keys go to both.
    const first = await receiver(e2e.relay.url, 'Mac')
    const second = await receiver(e2e.relay.url, 'Mac', first.paired.link.room)
    const { page } = await phone()
    await openPairingLink(page, first.url)
    await openPairingLink(page, second.url)
    await vi.waitFor(
      async () =>
        expect(await page.getByTestId('room-state').textContent()).toBe(
          '2 devices in this room are called "Mac": keys go to all of them. Rename one on its machine to tell them apart.',
        ),
      { timeout: 10_000 },
    )
  }, 60_000)
})
