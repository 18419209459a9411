import type { KeyCode, ModifierCode } from '@keyroom/key-events'
import { consumerReport, KEY_SLOTS, keyboardReport } from './hid-reports.js'
import { hidUsage } from './hid-usages.js'

/** Where a report goes: the keyboard or the consumer-control function of the gadget. */
export type KeyReportSink = (target: 'keyboard' | 'consumer', report: Buffer) => void

/** One character as a layout types it: a key and the modifiers held with it. */
export interface Stroke {
  code: KeyCode
  modifiers: readonly ModifierCode[]
}

export interface HidKeyboard {
  /**
   * Makes the held keys exactly `codes` (the union of every sender's holds, oldest first) and sends a report for each
   * function whose state changed. Codes without a HID usage are left out and returned.
   */
  hold(codes: Iterable<KeyCode>): KeyCode[]
  /** Modifiers down one by one, the key pressed and released, modifiers up in reverse, over what is held. */
  chord(modifiers: readonly ModifierCode[], code: KeyCode): void
  /** One typed character: its modifiers and key in one report, then back to what is held. */
  stroke(stroke: Stroke): void
  /** Forgets every hold and sends all-zero reports to both functions, whatever they had before. */
  releaseAll(): void
  /** More than six non-modifier keys are held: the keyboard reports the phantom state. */
  rolledOver(): boolean
}

const bitsOf = (codes: Iterable<KeyCode>) => {
  let bits = 0
  for (const code of codes) {
    const usage = hidUsage(code)
    if (usage?.page === 'modifier') bits |= usage.bit
  }
  return bits
}

/** Key state → keyboard and consumer reports. Pure bookkeeping: the sink does the writing. */
export function createHidKeyboard(sink: KeyReportSink): HidKeyboard {
  // Held keyboard-page usages in press order, modifier bits, held consumer usages in press order.
  let keys: number[] = []
  let modifiers = 0
  let media: number[] = []
  let lastKeyboard = keyboardReport(0, [])
  let lastConsumer = consumerReport(0)

  const sendKeyboard = (report: Buffer, force = false) => {
    if (!force && report.equals(lastKeyboard)) return
    lastKeyboard = report
    sink('keyboard', report)
  }
  const sendConsumer = (report: Buffer, force = false) => {
    if (!force && report.equals(lastConsumer)) return
    lastConsumer = report
    sink('consumer', report)
  }
  // One consumer usage fits the report: the newest held media key is the one the host sees.
  const consumerNow = () => consumerReport(media.at(-1) ?? 0)

  return {
    hold(codes) {
      const unknown: KeyCode[] = []
      const wantKeys: number[] = []
      const wantMedia: number[] = []
      let wantModifiers = 0
      for (const code of codes) {
        const usage = hidUsage(code)
        if (usage === undefined) unknown.push(code)
        else if (usage.page === 'modifier') wantModifiers |= usage.bit
        else (usage.page === 'keyboard' ? wantKeys : wantMedia).push(usage.usage)
      }
      // Keys still held keep their slots; new ones go after them.
      keys = [...keys.filter((u) => wantKeys.includes(u)), ...wantKeys.filter((u) => !keys.includes(u))]
      media = [...media.filter((u) => wantMedia.includes(u)), ...wantMedia.filter((u) => !media.includes(u))]
      modifiers = wantModifiers
      sendKeyboard(keyboardReport(modifiers, keys))
      sendConsumer(consumerNow())
      return unknown
    },
    chord(chordModifiers, code) {
      let bits = modifiers
      for (const modifier of chordModifiers) {
        bits |= bitsOf([modifier])
        sendKeyboard(keyboardReport(bits, keys))
      }
      const usage = hidUsage(code)
      if (usage?.page === 'keyboard' && !keys.includes(usage.usage)) {
        sendKeyboard(keyboardReport(bits, [...keys, usage.usage]))
        sendKeyboard(keyboardReport(bits, keys))
      } else if (usage?.page === 'modifier') {
        sendKeyboard(keyboardReport(bits | usage.bit, keys))
        sendKeyboard(keyboardReport(bits, keys))
      } else if (usage?.page === 'consumer') {
        sendConsumer(consumerReport(usage.usage), true)
        sendConsumer(consumerNow(), true)
      }
      for (const modifier of [...chordModifiers].reverse()) {
        const rest = bitsOf(chordModifiers.slice(0, chordModifiers.indexOf(modifier)))
        sendKeyboard(keyboardReport(modifiers | rest, keys))
      }
    },
    stroke({ code, modifiers: strokeModifiers }) {
      const usage = hidUsage(code)
      if (usage?.page !== 'keyboard') return
      // A held copy of the key would hide the press: let it go first.
      const others = keys.filter((u) => u !== usage.usage)
      if (others.length !== keys.length) sendKeyboard(keyboardReport(modifiers, others))
      sendKeyboard(keyboardReport(modifiers | bitsOf(strokeModifiers), [...others, usage.usage]))
      sendKeyboard(keyboardReport(modifiers, keys))
    },
    releaseAll() {
      keys = []
      media = []
      modifiers = 0
      sendKeyboard(keyboardReport(0, []), true)
      sendConsumer(consumerReport(0), true)
    },
    rolledOver: () => keys.length > KEY_SLOTS,
  }
}
