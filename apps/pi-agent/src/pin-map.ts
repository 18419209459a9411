import { readFileSync } from 'node:fs'
import {
  fail,
  type KeyCode,
  KeyCode as KeyCodeSchema,
  type ModifierCode,
  parseChordText,
  type Result,
} from '@keyroom/key-events'
import { z } from 'zod'
import { jsonValueLines, lineOf } from './json-lines.js'
import type { Level } from './pins.js'

/** BCM numbers of the 40-pin header's GPIO lines. */
export const MAX_BCM_PIN = 27
export const PIN_MODES = ['hold', 'toggle', 'pulse'] as const
/** Safe defaults for relays, motors and door strikes: at most 10 switches a second, engaged a minute at most. */
export const DEFAULT_MIN_INTERVAL_MS = 100
export const DEFAULT_MAX_ON_MS = 60_000
export type PinMode = (typeof PIN_MODES)[number]

const Bcm = z
  .number({ error: 'must be a BCM pin number' })
  .int('must be a whole BCM pin number')
  .min(0, `must be a BCM pin number from 0 to ${MAX_BCM_PIN}`)
  .max(MAX_BCM_PIN, `must be a BCM pin number from 0 to ${MAX_BCM_PIN}`)

const KeyOrChord = z.string({ error: 'must be a key code such as "KeyD" or a chord such as "Ctrl+KeyD"' })

const OutputEntry = z.strictObject({
  /** W3C key code (`KeyD`) or chord (`ControlLeft+KeyD`). */
  key: KeyOrChord,
  pin: Bcm,
  mode: z.enum(PIN_MODES, { error: 'must be "hold", "toggle" or "pulse"' }),
  /** How long a pulse keeps the pin active; only for `pulse`. */
  pulseMs: z.number().int('must be whole milliseconds').min(10).max(60_000).optional(),
  /** The load is on when the pin is low (many relay boards). @default false */
  activeLow: z.boolean().default(false),
  /** The logical state (1 = active) the pin rests in at start, after a release and on shutdown. @default 0 */
  initial: z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' }).default(0),
  /** Shortest time between two switches of this output; an engage sooner is refused, a hold's put off (resting never is). @default 100 */
  minIntervalMs: z
    .number()
    .int('must be whole milliseconds')
    .min(0)
    .max(3_600_000)
    .default(DEFAULT_MIN_INTERVAL_MS),
  /** Longest time the output stays engaged at a stretch; then it rests and says so. @default 60000 */
  maxOnMs: z.number().int('must be whole milliseconds').min(10).max(86_400_000).default(DEFAULT_MAX_ON_MS),
  /** A name for logs and the README of the wiring. */
  label: z.string().max(64).optional(),
})

const InputEntry = z.strictObject({
  pin: Bcm,
  key: KeyCodeSchema,
  /** Edges closer together than this are contact bounce. @default 30 */
  debounceMs: z.number().int('must be whole milliseconds').min(0).max(1_000).default(30),
  /** Pressed means low (a button to ground with a pull-up). @default false */
  activeLow: z.boolean().default(false),
  label: z.string().max(64).optional(),
})

const PinMapFile = z.strictObject({
  outputs: z.array(OutputEntry).max(28).default([]),
  inputs: z.array(InputEntry).max(28).default([]),
})

/** One output: which key or chord drives which pin, and how. */
export interface OutputBinding {
  /** The key as written in the map. */
  key: string
  code: KeyCode
  /** Empty for a plain key; a chord matches only a chord action with exactly these modifiers. */
  modifiers: ModifierCode[]
  pin: number
  mode: PinMode
  pulseMs: number
  activeLow: boolean
  /** Logical rest (safe) state. */
  initial: Level
  /** Shortest time between two switches; an engage sooner is refused. */
  minIntervalMs: number
  /** Longest stretch engaged; then the output rests until its key is pressed again. */
  maxOnMs: number
  label?: string
}

/** One input: a physical button that sends a key to the room. */
export interface InputBinding {
  pin: number
  code: KeyCode
  debounceMs: number
  activeLow: boolean
  label?: string
}

export interface PinMap {
  outputs: OutputBinding[]
  inputs: InputBinding[]
}

/**
 * Parses and checks a pin map (JSON). Errors name the source, line and field path, e.g.
 * `pins.json:7: outputs.1.pulseMs: a pulse needs pulseMs`. Refuses a pin used twice.
 */
export function parsePinMap(text: string, source = 'pin map'): Result<PinMap> {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const position = /position (\d+)/.exec(message)?.[1]
    const where = position === undefined ? '' : `:${lineOf(text, Number(position)).line}`
    return fail('invalid-pin-map', `${source}${where}: not valid JSON: ${message}`, '')
  }
  const lineFor = (path: string): string => {
    const lines = jsonValueLines(text)
    // the deepest existing prefix of the path (a missing field has no line of its own)
    for (let parts = path.split('.'); parts.length > 0; parts = parts.slice(0, -1)) {
      const line = lines.get(parts.join('.'))
      if (line !== undefined) return `:${line}`
    }
    return ''
  }
  const issue = (path: string, message: string) =>
    fail('invalid-pin-map', `${source}${lineFor(path)}: ${path || 'pin map'}: ${message}`, path)

  const parsed = PinMapFile.safeParse(raw)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const path = first?.path.map(String).join('.') ?? ''
    let message = first?.message ?? 'invalid'
    if (first?.code === 'unrecognized_keys')
      message = `unknown field ${first.keys.map((k) => `"${k}"`).join(', ')}`
    if (path.endsWith('.key') && first?.code === 'invalid_value')
      message = 'is not a W3C key code such as KeyD'
    return issue(path, message)
  }

  const outputs: OutputBinding[] = []
  for (const [index, entry] of parsed.data.outputs.entries()) {
    const at = `outputs.${index}`
    const chord = parseChordText(entry.key)
    if (!chord.ok) return issue(`${at}.key`, chord.error.message)
    if (entry.mode === 'pulse' && entry.pulseMs === undefined) {
      return issue(`${at}.pulseMs`, 'a pulse needs pulseMs (how long the pin stays active)')
    }
    if (entry.mode !== 'pulse' && entry.pulseMs !== undefined) {
      return issue(`${at}.pulseMs`, `pulseMs only applies to mode "pulse", not "${entry.mode}"`)
    }
    if (entry.mode === 'pulse' && entry.pulseMs !== undefined && entry.pulseMs > entry.maxOnMs) {
      return issue(
        `${at}.pulseMs`,
        `a pulse of ${entry.pulseMs} ms is longer than maxOnMs (${entry.maxOnMs} ms)`,
      )
    }
    if (entry.mode === 'hold' && chord.value.modifiers.length > 0) {
      return issue(`${at}.key`, 'a chord is one press, it cannot be held: use mode "toggle" or "pulse"')
    }
    outputs.push({
      key: entry.key,
      code: chord.value.code,
      modifiers: chord.value.modifiers,
      pin: entry.pin,
      mode: entry.mode,
      pulseMs: entry.pulseMs ?? 0,
      activeLow: entry.activeLow,
      initial: entry.initial,
      minIntervalMs: entry.minIntervalMs,
      maxOnMs: entry.maxOnMs,
      ...(entry.label === undefined ? {} : { label: entry.label }),
    })
  }
  const inputs: InputBinding[] = parsed.data.inputs.map((entry) => ({
    pin: entry.pin,
    code: entry.key,
    debounceMs: entry.debounceMs,
    activeLow: entry.activeLow,
    ...(entry.label === undefined ? {} : { label: entry.label }),
  }))
  if (outputs.length === 0 && inputs.length === 0)
    return issue('outputs', 'the map has no outputs and no inputs')

  // One pin, one owner: two outputs on one pin would fight, and an input cannot be driven.
  const owners = new Map<number, string>()
  const claims = [
    ...outputs.map((o, i) => ({ pin: o.pin, at: `outputs.${i}` })),
    ...inputs.map((o, i) => ({ pin: o.pin, at: `inputs.${i}` })),
  ]
  for (const { pin, at } of claims) {
    const owner = owners.get(pin)
    if (owner !== undefined)
      return issue(`${at}.pin`, `BCM ${pin} is already used by ${owner}: one pin, one use`)
    owners.set(pin, at)
  }
  return { ok: true, value: { outputs, inputs } }
}

/** Reads and parses a pin map file; errors name the file. */
export function loadPinMap(path: string): Result<PinMap> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    return fail('invalid-pin-map', `cannot read pin map ${path}: ${(error as Error).message}`, '')
  }
  return parsePinMap(text, path)
}

/** The distinct key codes the map reacts to, for the hello's `caps.keys`. */
export const mappedKeys = (map: PinMap): KeyCode[] => [...new Set(map.outputs.map((o) => o.code))]
