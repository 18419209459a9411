// Issue 15, "the keys themselves": keys measured in Chromium in portrait and landscape (the README's size claims come
// from test-output/key-sizes.json), no label cut or overflowing on any layout, and a pop-up on the pressed key.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { LAYOUTS } from '../src/layouts.js'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, startReceiver, touchHold } from './phone.js'

const output = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output')
const e2e = serveKeypadForSuite()

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })

async function phone(landscape: boolean) {
  const context = await newPhone(e2e.browser, { landscape })
  onTestFinished(() => context.close())
  const page = await context.newPage()
  // Approved by a receiver, as in use: no "keys do nothing" line above the keys.
  const receiver = await startReceiver(e2e.relay.url)
  await openPairingLink(page, receiver.url)
  await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
  return page
}

interface KeyBox {
  name: string
  width: number
  height: number
  right: number
  bottom: number
  /** Its text does not fit inside it. */
  overflows: boolean
}

const measureKeys = (page: Page): Promise<KeyBox[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLButtonElement>('.grid .key')].map((key) => {
      const box = key.getBoundingClientRect()
      return {
        name: key.getAttribute('aria-label') ?? key.textContent ?? '',
        width: box.width,
        height: box.height,
        right: box.right,
        bottom: box.bottom,
        overflows: key.scrollWidth > key.clientWidth + 0.5 || key.scrollHeight > key.clientHeight + 0.5,
      }
    }),
  )

const range = (values: number[]) => ({
  min: Math.round(Math.min(...values)),
  max: Math.round(Math.max(...values)),
})

describe('key sizes', () => {
  const measured: Record<string, unknown> = {}
  afterAll(() => {
    mkdirSync(output, { recursive: true })
    writeFileSync(join(output, 'key-sizes.json'), `${JSON.stringify(measured, null, 2)}\n`)
  })

  for (const orientation of ['portrait', 'landscape'] as const) {
    it(`keeps every key on screen with its whole label, letters at a phone keyboard's size (${orientation})`, async () => {
      const page = await phone(orientation === 'landscape')
      const viewport = page.viewportSize() ?? { width: 0, height: 0 }
      const perLayout: Record<
        string,
        { width: { min: number; max: number }; height: { min: number; max: number } }
      > = {}
      for (const layout of LAYOUTS.filter((l) => l.rows.length > 0)) {
        await button(page, layout.name).tap()
        await page.locator(`.grid-${layout.id}`).waitFor()
        const keys = await measureKeys(page)
        expect(keys.length, layout.id).toBe(layout.rows.flat().length)
        expect(
          keys.filter((k) => k.overflows).map((k) => k.name),
          `${layout.id}: labels that do not fit`,
        ).toEqual([])
        for (const key of keys) {
          expect(key.right, `${layout.id} ${key.name} off screen`).toBeLessThanOrEqual(viewport.width)
          expect(key.bottom, `${layout.id} ${key.name} off screen`).toBeLessThanOrEqual(viewport.height)
          expect(key.width, `${layout.id} ${key.name} width`).toBeGreaterThanOrEqual(28)
          expect(key.height, `${layout.id} ${key.name} height`).toBeGreaterThanOrEqual(36)
        }
        perLayout[layout.id] = {
          width: range(keys.map((k) => k.width)),
          height: range(keys.map((k) => k.height)),
        }
      }
      await button(page, 'ABC').tap()
      // The layout tabs show whole names too (the bar scrolls sideways instead).
      expect(
        await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.tab')]
            .filter((tab) => tab.scrollWidth > tab.clientWidth + 0.5)
            .map((tab) => tab.textContent),
        ),
      ).toEqual([])
      const letters = (await measureKeys(page)).filter((k) => /^[A-Z]$/.test(k.name))
      expect(letters).toHaveLength(26)
      const width = range(letters.map((k) => k.width))
      const height = range(letters.map((k) => k.height))
      if (orientation === 'portrait') {
        // A phone keyboard's letters: about 31 px wide, 40-52 px tall; no 20 px-wide, 120 px-tall slivers.
        expect(width.min).toBeGreaterThanOrEqual(29)
        expect(height.max).toBeLessThanOrEqual(52)
        expect(height.min).toBeGreaterThanOrEqual(40)
      } else {
        expect(width.min).toBeGreaterThanOrEqual(60)
        expect(height.min).toBeGreaterThanOrEqual(36)
        expect(height.max).toBeLessThanOrEqual(52)
      }
      measured[orientation] = { viewport, letters: { width, height }, layouts: perLayout }
    }, 60_000)
  }

  it('pops the pressed key up above the finger, and only while it is pressed', async () => {
    const page = await phone(false)
    const pop = () =>
      page.evaluate(() => {
        const key = document.querySelector('[aria-label="G"], .key[data-pop="G"]') as HTMLElement
        const after = getComputedStyle(key, '::after')
        return { content: after.content, above: after.bottom }
      })
    expect((await pop()).content).toBe('none')
    const hold = await touchHold(page, button(page, 'G'))
    await expect.poll(async () => (await pop()).content).toBe('"G"')
    await hold.release()
    await expect.poll(async () => (await pop()).content).toBe('none')
  }, 60_000)
})
