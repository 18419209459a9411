// Issue 15, "typing with the phone's own keyboard": live typing in Chromium with real key and composition events
// (CDP Input.imeSetComposition / Input.insertText, as Gboard and iOS compose), checked at a receiver.
import type { KeyAction } from '@keyroom/key-events'
import type { CDPSession } from 'playwright-core'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { graphemes } from '../src/live-typing.js'
import { newPhone, serveKeypadForSuite } from './browser.js'
import { openPairingLink, startReceiver } from './phone.js'

const e2e = serveKeypadForSuite()

/** What a text editor on the receiver would show after these actions (Backspace deletes one grapheme). */
function typed(actions: readonly KeyAction[]): string {
  let text = ''
  for (const action of actions) {
    if (action.type === 'text') text += action.text
    else if (action.type === 'key' && action.code === 'Backspace')
      text = graphemes(text).slice(0, -1).join('')
    else if (action.type === 'key' && action.code === 'Enter') text += '\n'
  }
  return text
}

async function livePhone() {
  const receiver = await startReceiver(e2e.relay.url, 'Typing Mac')
  const context = await newPhone(e2e.browser)
  onTestFinished(() => context.close())
  const page = await context.newPage()
  await openPairingLink(page, receiver.url)
  await page.getByTestId('verdict').getByText('approved (admin)').waitFor()
  await page.getByRole('button', { name: 'Live', exact: true }).tap()
  const field = page.getByRole('textbox', { name: 'Live typing' })
  await field.focus()
  const cdp: CDPSession = await context.newCDPSession(page)
  onTestFinished(() => cdp.detach())
  return { receiver, page, field, cdp }
}

const arrived = async (receiver: { actions: KeyAction[] }, text: string) =>
  vi.waitFor(() => expect(typed(receiver.actions)).toBe(text), { timeout: 5_000 })

describe('live typing', () => {
  it('sends keys as they are typed; Backspace and Enter work, also on an empty field', async () => {
    const { receiver, page, field } = await livePhone()
    await page.keyboard.type('hi')
    await arrived(receiver, 'hi')
    expect(receiver.actions).toEqual([
      { type: 'text', text: 'h' },
      { type: 'text', text: 'i' },
    ])
    await page.keyboard.press('Backspace')
    await arrived(receiver, 'h')
    await page.keyboard.press('Enter')
    await arrived(receiver, 'h\n')
    expect(await field.inputValue()).toBe('')
    // Nothing left in the field to delete: the Backspace still reaches the receiver.
    await page.keyboard.press('Backspace')
    await arrived(receiver, 'h')
    expect(receiver.actions.at(-1)).toEqual({ type: 'key', code: 'Backspace', phase: 'tap' })
  }, 60_000)

  it('types composed text (a word being composed, then replaced on commit) and emoji', async () => {
    const { receiver, field, cdp } = await livePhone()
    // Gboard composes the word under the cursor: each update goes out, the commit leaves it as it is.
    await cdp.send('Input.imeSetComposition', { text: 'ca', selectionStart: 2, selectionEnd: 2 })
    await cdp.send('Input.imeSetComposition', { text: 'cat', selectionStart: 3, selectionEnd: 3 })
    await cdp.send('Input.insertText', { text: 'cat' })
    await arrived(receiver, 'cat')
    await cdp.send('Input.insertText', { text: ' ' })
    // An input method that turns the composed letters into another script on commit.
    await cdp.send('Input.imeSetComposition', { text: 'ka', selectionStart: 2, selectionEnd: 2 })
    await cdp.send('Input.insertText', { text: 'か' })
    await arrived(receiver, 'cat か')
    // Emoji from the keyboard's picker: one Backspace removes it whole.
    await cdp.send('Input.insertText', { text: '👍🏽' })
    await arrived(receiver, 'cat か👍🏽')
    await field.press('Backspace')
    await arrived(receiver, 'cat か')
    expect(await field.inputValue()).toBe('cat か')
    expect(receiver.actions.filter((a) => a.type === 'key' && a.code === 'Backspace')).toHaveLength(3)
  }, 60_000)
})
