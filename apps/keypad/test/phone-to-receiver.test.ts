import { formatDeviceLink } from '@keyroom/room-client'
import { joinAsDevice, pairDeviceDir, spawnApp, waitForDevice } from '@keyroom/test-kit'
import type { Page } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, touchHold } from './phone.js'

const e2e = serveKeypadForSuite()

/**
 * The receiver as its own process, in a state dir paired as `keyroom-receiver pair` leaves it (a pairing window open):
 * `run` joins the stored room. Its stdout is one JSON line per key it would press.
 */
function startReceiverProcess(configDir: string) {
  const receiver = spawnApp(
    'apps/mac-receiver/src/main.ts',
    ['run', '--driver', 'log', '--name', 'Studio Mac'],
    {
      env: { KEYROOM_CONFIG_DIR: configDir },
    },
  )
  /** `down KeyQ`, `type hi`…: what the receiver would have pressed, in order. */
  const pressed = () =>
    receiver.jsonLines().map(({ action, code, text }) => (code ? `${action} ${code}` : `${action} ${text}`))
  return { pressed }
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })

/** A phone that opened the receiver's link within its pairing window, once the receiver approved it. */
async function phoneWithReceiver() {
  const paired = pairDeviceDir(e2e.relay.url, { name: 'Studio Mac' })
  const receiver = startReceiverProcess(paired.configDir)
  const context = await newPhone(e2e.browser)
  onTestFinished(() => context.close())
  const page = await context.newPage()
  await openPairingLink(page, formatDeviceLink(paired.link, e2e.relay.url))
  await page.getByText('Studio Mac', { exact: true }).waitFor({ timeout: 20_000 })
  await page.getByTestId('verdict').getByText('approved').first().waitFor({ timeout: 20_000 })
  return { receiver, context, page, paired }
}

describe('a phone drives the receiver process', () => {
  it('taps, types, holds past several leases, and a phone that closes mid-hold leaves nothing held', async () => {
    const { receiver, context, page } = await phoneWithReceiver()

    await button(page, 'Q').tap()
    await page.getByRole('textbox', { name: 'Text to type' }).fill('hi there')
    await button(page, 'Send text').tap()
    await vi.waitFor(() => expect(receiver.pressed()).toEqual(['down KeyQ', 'up KeyQ', 'type hi there']))

    // Held for 2.5 s, longer than the 1.5 s lease: the keypad renews it and the key stays down until let go.
    const hold = await touchHold(page, button(page, 'L'))
    await vi.waitFor(() => expect(receiver.pressed().at(-1)).toBe('down KeyL'))
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect(receiver.pressed().at(-1)).toBe('down KeyL')
    await hold.release()
    await vi.waitFor(() => expect(receiver.pressed().slice(3)).toEqual(['down KeyL', 'up KeyL']))

    // The phone's tab goes away while K is held: the receiver lets go.
    await touchHold(page, button(page, 'K'))
    await vi.waitFor(() => expect(receiver.pressed().at(-1)).toBe('down KeyK'))
    await context.close()
    await vi.waitFor(() => expect(receiver.pressed().slice(5)).toEqual(['down KeyK', 'up KeyK']), {
      timeout: 10_000,
    })
  }, 90_000)

  it("greys out a key the receiver cannot press; pressing it shows the receiver's notice on the phone", async () => {
    const { receiver, page } = await phoneWithReceiver()
    await page.getByRole('button', { name: 'F1-12', exact: true }).click()
    // The receiver (Linux here) announces caps.cannot; Pause is one of them (nut.js cannot press it anywhere).
    const pause = button(page, 'Pause')
    await vi.waitFor(async () => expect(await pause.getAttribute('class')).toContain('unavailable'))
    expect(await pause.getAttribute('title')).toBe('Pause: Studio Mac (linux) cannot press this key')
    expect(await button(page, 'F5').getAttribute('class')).not.toContain('unavailable')
    await pause.tap()
    await page.getByText('Studio Mac: Pause cannot be injected on linux: nut.js cannot press Pause').waitFor()
    // Nothing was pressed for it, and the next key still works.
    await button(page, 'F5').tap()
    await vi.waitFor(() => expect(receiver.pressed()).toEqual(['down F5', 'up F5']))
  }, 90_000)

  it('an admin phone lists the receiver devices and approves and revokes a pending one from its panel', async () => {
    const { page, paired } = await phoneWithReceiver()
    // The first phone approved through the window is the receiver's admin.
    await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
    // A second phone with the link but not its pairing secret: it waits as pending.
    const { pairingSecret: _secret, ...withoutSecret } = paired.link
    const other = await joinAsDevice(withoutSecret, 'keypad', 'Second phone')
    const pending = await waitForDevice(other, 'Studio Mac', 'pending')

    await button(page, 'Pairing').tap()
    const devices = page.getByRole('region', { name: 'Devices on Studio Mac' })
    await button(page, 'Refresh').tap()
    const row = devices.getByTestId('managed-device').filter({ hasText: 'Second phone' })
    await expect
      .poll(() => row.getByTestId('managed-state').textContent())
      .toBe(`pending (code ${pending.status?.code})`)
    await devices.getByRole('button', { name: 'Approve Second phone' }).tap()
    await waitForDevice(other, 'Studio Mac', 'approved')
    await expect.poll(() => row.getByTestId('managed-state').textContent()).toBe('approved')
    await devices.getByRole('button', { name: 'Revoke Second phone' }).tap()
    await waitForDevice(other, 'Studio Mac', 'revoked')
    await expect.poll(() => row.getByTestId('managed-state').textContent()).toBe('revoked')
  }, 90_000)

  it('a phone whose link has no pairing secret waits as pending with the code to type, and types once approved', async () => {
    const paired = pairDeviceDir(e2e.relay.url, { name: 'Studio Mac' })
    const receiver = startReceiverProcess(paired.configDir)
    const context = await newPhone(e2e.browser)
    onTestFinished(() => context.close())
    const page = await context.newPage()
    // As after the pairing window: the link names the receiver but carries no secret.
    const { pairingSecret: _secret, ...late } = paired.link
    await openPairingLink(page, formatDeviceLink(late, e2e.relay.url))
    const verdict = page.getByTestId('verdict')
    await expect
      .poll(() => verdict.textContent(), { timeout: 20_000 })
      .toMatch(/^ pending: on it, run "keyroom-receiver devices approve \d{6}"$/)
    const code = /(\d{6})/.exec((await verdict.textContent()) ?? '')?.[1] ?? ''
    await expect(page.getByTestId('keys-idle').textContent()).resolves.toBe(
      'Keys do nothing yet: no receiver has approved this phone (see the code next to it)',
    )
    // A press is refused with the receiver's reason, in words, on the key that caused it.
    await button(page, 'Q').tap()
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(new RegExp(`^Q: Studio Mac: .+ is not approved on Studio Mac yet \\(code ${code}\\)$`))
    expect(receiver.pressed()).toEqual([])

    // Approved by its code on the receiver (another process writing its store, as `devices approve` does).
    expect(paired.store.approve(code).ok).toBe(true)
    await verdict.getByText('approved').waitFor({ timeout: 10_000 })
    await expect(page.getByTestId('keys-idle').count()).resolves.toBe(0)
    await button(page, 'W').tap()
    await vi.waitFor(() => expect(receiver.pressed()).toEqual(['down KeyW', 'up KeyW']))

    // Revoked on the receiver: the phone says so, and its keys do nothing there.
    const phone = paired.store.devices()[0]?.fingerprint ?? ''
    expect(paired.store.revoke(phone).ok).toBe(true)
    await expect
      .poll(() => verdict.textContent(), { timeout: 10_000 })
      .toBe(' revoked: it no longer takes keys from this phone')
    await expect(page.getByTestId('keys-idle').textContent()).resolves.toBe(
      'Keys do nothing: every receiver here revoked this phone; pair again with a new link',
    )
    await button(page, 'E').tap()
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(/^E: Studio Mac: .+ is revoked on Studio Mac$/)
    expect(receiver.pressed()).toEqual(['down KeyW', 'up KeyW'])
  }, 90_000)
})
