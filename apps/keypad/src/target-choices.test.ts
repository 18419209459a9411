import { describe, expect, it } from 'vitest'
import { targetChoices, worthChoosing } from './target-choices.js'

const receiver = (name: string, fingerprint: string, role: 'mac-receiver' | 'pi-agent', hid = false) => ({
  name,
  fingerprint,
  role,
  caps: hid ? { hid: { layout: 'us' } } : {},
  trusted: true,
})

describe('target choices', () => {
  it('offers all, each kind present and each receiver; two with one name are told apart by fingerprint', () => {
    const peers = [
      receiver('Desk', 'AAAA-BBBB-CCCC-DDDD', 'mac-receiver'),
      receiver('Desk', 'EEEE-FFFF-GGGG-HHHH', 'mac-receiver'),
      receiver('Garage pi', 'JJJJ-KKKK-MMMM-NNNN', 'pi-agent', true),
      { ...receiver('Other phone', 'PPPP-QQQQ-RRRR-SSSS', 'mac-receiver'), role: 'keypad' as const },
      { ...receiver('Untrusted', 'TTTT-VVVV-WWWW-XXXX', 'mac-receiver'), trusted: false },
    ]
    expect(targetChoices(peers, 'all')).toEqual([
      { value: 'all', label: 'All receivers' },
      { value: 'kind:computer', label: 'Computers' },
      { value: 'kind:pins', label: 'Pi pins' },
      { value: 'kind:usb-keyboard', label: 'USB keyboards (Pi)' },
      { value: 'device:AAAA-BBBB-CCCC-DDDD', label: 'Desk · AAAA' },
      { value: 'device:EEEE-FFFF-GGGG-HHHH', label: 'Desk · EEEE' },
      { value: 'device:JJJJ-KKKK-MMMM-NNNN', label: 'Garage pi' },
    ])
  })

  it('keeps a choice nothing here matches, marked, and shows the menu only when there is a choice to make', () => {
    const one = [receiver('Desk', 'AAAA-BBBB-CCCC-DDDD', 'mac-receiver')]
    const choices = targetChoices(one, 'device:7XQ4-M2KD-9FHR-0WCE')
    expect(choices.at(-1)).toEqual({ value: 'device:7XQ4-M2KD-9FHR-0WCE', label: 'Device 7XQ4… (not here)' })
    expect(targetChoices([], 'kind:pins').at(-1)).toEqual({
      value: 'kind:pins',
      label: 'Pi pins (none here)',
    })
    expect(worthChoosing(targetChoices(one, 'all'), 'all')).toBe(false)
    expect(worthChoosing(targetChoices(one, 'kind:computer'), 'kind:computer')).toBe(true)
    const two = [...one, receiver('Pi', 'EEEE-FFFF-GGGG-HHHH', 'pi-agent')]
    expect(worthChoosing(targetChoices(two, 'all'), 'all')).toBe(true)
  })
})
