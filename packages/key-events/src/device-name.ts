import { z } from 'zod/mini'
import { MAX_NAME_LENGTH } from './protocol.js'

// Controls (Cc: C0, DEL, C1: terminal escapes, newlines that forge log lines), format characters (Cf: bidirectional
// overrides and isolates, text that reads differently than it is, "Trojan Source", CVE-2021-42574; zero-width
// characters and the BOM, two names that look alike) and the line and paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/u

/**
 * Why a device name cannot be shown as it is, or undefined when it can. Names come from other devices and reach
 * terminals, logs and the keypad, so they carry no control or direction-changing characters.
 */
export function nameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return 'a name needs a visible character'
  if (name.length > MAX_NAME_LENGTH) return `a name is at most ${MAX_NAME_LENGTH} characters`
  const bad = UNSAFE.exec(name)?.[0]
  if (bad !== undefined)
    return `a name may not contain U+${bad.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} (control or direction-changing characters)`
  return undefined
}

/** A device's name on the wire (hello, handshake, devices lists) and in links. */
export const DeviceName = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_NAME_LENGTH),
  z.refine(
    (name) => nameProblem(name) === undefined,
    'a name needs a visible character and no control or direction-changing characters',
  ),
)
