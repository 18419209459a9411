import { isKeyAction, type KeyAction } from '@keyroom/key-events'
import { formatDeviceLink } from '@keyroom/room-client'
import { type DeviceMember, joinAsReceiver, type PairedDevice, pairDeviceDir } from '@keyroom/test-kit'
import type { Locator, Page } from 'playwright-core'

/**
 * A real room-client in Node playing the Mac (or, with `role`, the Pi), in a room paired as `pair` pairs it (an open pairing window, its store
 * as gate): records every key action it accepts, in order. `url` is its link, opened on the relay's keypad.
 */
export async function startReceiver(
  relay: string,
  name = 'Test Mac',
  options: {
    room?: string
    windowSeconds?: number
    role?: 'mac-receiver' | 'pi-agent'
    platform?: string
  } = {},
): Promise<{ room: DeviceMember; actions: KeyAction[]; paired: PairedDevice; url: string }> {
  const { role = 'mac-receiver', platform = 'linux', ...pairing } = options
  const paired = pairDeviceDir(relay, { name, ...pairing })
  const room = await joinAsReceiver(paired, role, name, { caps: { inject: true, platform } })
  const actions: KeyAction[] = []
  room.on('message', (message) => {
    if (isKeyAction(message.body)) actions.push(message.body)
  })
  return { room, actions, paired, url: formatDeviceLink(paired.link, relay) }
}

/** Holds a finger on a key (real touch events through the DevTools protocol) until `release()` is called. */
export async function touchHold(
  page: Page,
  target: Locator,
): Promise<{ moveTo(point: { x: number; y: number }): Promise<void>; release(): Promise<void> }> {
  const box = await target.boundingBox()
  if (!box) throw new Error('the key is not on screen')
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] })
  return {
    async moveTo(to) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [to] })
    },
    async release() {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
      await cdp.detach()
    },
  }
}

/** Collapses runs of `renew` into one entry with a count, so an exact sequence can be asserted. */
export function collapseRenewals(actions: readonly KeyAction[]): Array<KeyAction | { renewals: number }> {
  const out: Array<KeyAction | { renewals: number }> = []
  for (const action of actions) {
    const last = out.at(-1)
    if (action.type !== 'renew') out.push(action)
    else if (last && 'renewals' in last) last.renewals += 1
    else out.push({ renewals: 1 })
  }
  return out
}

/** The dialog the keypad shows before it joins a room a link names (or adds a receiver to the room in use). */
export const joinDialog = (page: Page): Locator =>
  page.getByRole('dialog', { name: /^(Join this room|Add this receiver)\?$/ })

/** Opens a pairing link and confirms joining its room, as a person who opened it on purpose would. */
export async function openPairingLink(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await joinDialog(page)
    .getByRole('button', { name: /^(Join room|Add receiver)$/ })
    .click()
}
