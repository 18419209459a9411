import { KEY_CODES } from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import { hidUsage } from './hid-usages.js'

// HID Usage Tables 1.4, chapter 10 (Keyboard/Keypad page 0x07), as the spec lists them: usage ID, then its name.
// Transcribed from the spec's table, not from src/hid-usages.ts.
const SPEC_KEYBOARD_PAGE = `
04 KeyA 05 KeyB 06 KeyC 07 KeyD 08 KeyE 09 KeyF 0A KeyG 0B KeyH 0C KeyI 0D KeyJ 0E KeyK 0F KeyL 10 KeyM 11 KeyN
12 KeyO 13 KeyP 14 KeyQ 15 KeyR 16 KeyS 17 KeyT 18 KeyU 19 KeyV 1A KeyW 1B KeyX 1C KeyY 1D KeyZ
1E Digit1 1F Digit2 20 Digit3 21 Digit4 22 Digit5 23 Digit6 24 Digit7 25 Digit8 26 Digit9 27 Digit0
28 Enter 29 Escape 2A Backspace 2B Tab 2C Space 2D Minus 2E Equal 2F BracketLeft 30 BracketRight 31 Backslash
33 Semicolon 34 Quote 35 Backquote 36 Comma 37 Period 38 Slash 39 CapsLock
3A F1 3B F2 3C F3 3D F4 3E F5 3F F6 40 F7 41 F8 42 F9 43 F10 44 F11 45 F12
46 PrintScreen 47 ScrollLock 48 Pause 49 Insert 4A Home 4B PageUp 4C Delete 4D End 4E PageDown
4F ArrowRight 50 ArrowLeft 51 ArrowDown 52 ArrowUp 53 NumLock 54 NumpadDivide 55 NumpadMultiply
56 NumpadSubtract 57 NumpadAdd 58 NumpadEnter 59 Numpad1 5A Numpad2 5B Numpad3 5C Numpad4 5D Numpad5
5E Numpad6 5F Numpad7 60 Numpad8 61 Numpad9 62 Numpad0 63 NumpadDecimal 64 IntlBackslash 65 ContextMenu
67 NumpadEqual 68 F13 69 F14 6A F15 6B F16 6C F17 6D F18 6E F19 6F F20 70 F21 71 F22 72 F23 73 F24`
// Modifier byte, HID 1.11 section 8.3: bit 0 Left Control … bit 7 Right GUI (usages E0–E7).
const SPEC_MODIFIER_BITS = `0 ControlLeft 1 ShiftLeft 2 AltLeft 3 MetaLeft 4 ControlRight 5 ShiftRight 6 AltRight 7 MetaRight`
// HID Usage Tables chapter 15 (Consumer page 0x0C).
const SPEC_CONSUMER_PAGE = `B5 MediaTrackNext B6 MediaTrackPrevious B7 MediaStop CD MediaPlayPause E2 AudioVolumeMute
E9 AudioVolumeUp EA AudioVolumeDown`

const pairs = (table: string) => {
  const words = table.trim().split(/\s+/)
  return Array.from({ length: words.length / 2 }, (_, i) => [words[2 * i + 1]!, words[2 * i]!] as const)
}

describe('W3C code → HID usage', () => {
  it('maps every keyboard-page key to the Usage Tables ID', () => {
    for (const [code, hex] of pairs(SPEC_KEYBOARD_PAGE)) {
      expect(hidUsage(code as never), code).toEqual({ page: 'keyboard', usage: Number.parseInt(hex, 16) })
    }
  })

  it('maps modifiers to their bit of the report’s first byte', () => {
    for (const [code, bit] of pairs(SPEC_MODIFIER_BITS)) {
      expect(hidUsage(code as never), code).toEqual({ page: 'modifier', bit: 1 << Number(bit) })
    }
  })

  it('maps media keys to the consumer page', () => {
    for (const [code, hex] of pairs(SPEC_CONSUMER_PAGE)) {
      expect(hidUsage(code as never), code).toEqual({ page: 'consumer', usage: Number.parseInt(hex, 16) })
    }
  })

  it('covers every key code keyroom can name, each exactly once in the spec tables above', () => {
    const listed = [SPEC_KEYBOARD_PAGE, SPEC_MODIFIER_BITS, SPEC_CONSUMER_PAGE].flatMap((t) =>
      pairs(t).map(([c]) => c),
    )
    expect(new Set(listed).size).toBe(listed.length)
    expect([...listed].sort()).toEqual([...KEY_CODES].sort())
  })
})
