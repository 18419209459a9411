import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import type { MacKey } from './mac-keycodes.js'

/**
 * Posts key repeats the way a Mac keyboard sends them: a further key-down with the keyboard autorepeat field set
 * (`kCGKeyboardEventAutorepeat`), carrying the modifier flags that are down. libnut cannot set that field, and apps
 * that watch holds (the press-and-hold accent menu, games, Deskflow's findings) tell repeats from new presses by it.
 */
export interface RepeatPoster {
  /** Posts one repeat of `key`; resolves once it is posted, so a key-up sent afterwards cannot overtake it. */
  repeat(key: MacKey, flags: number): Promise<void>
  /** Resolves once the poster can post; rejects with why it never will. */
  ready(): Promise<void>
  /** Why it cannot post (the caller falls back to an unmarked key-down), or undefined while it can. */
  broken(): string | undefined
  close(): void
}

/**
 * The poster is a JavaScript for Automation script: every Mac has `osascript`, and its Objective-C bridge reaches
 * Quartz (`CGEventCreateKeyboardEvent`, `CGEventSetIntegerValueField`, `CGEventPost`) and AppKit (`NSEvent` for a
 * media key's system-defined event, whose data1 low bit is the repeat flag), so keyroom needs no native addon of its
 * own. One line in per repeat ("k <keycode> <flags>" or "m <nx key type>"), one line out ("ok" or "error ...").
 * Posted like libnut's own events: an event source of the HID system state, on the HID event tap.
 */
export const POSTER_SCRIPT = `
ObjC.import('Cocoa')
ObjC.import('CoreGraphics')
const AUTOREPEAT_FIELD = 8, HID_TAP = 0, HID_SYSTEM_STATE = 1, SYSTEM_DEFINED = 14, AUX_BUTTONS = 8, KEY_DOWN = 10
const out = $.NSFileHandle.fileHandleWithStandardOutput
const say = (text) => out.writeData($(text + '\\n').dataUsingEncoding($.NSUTF8StringEncoding))
function post(line) {
  const [kind, a, b] = line.split(' ')
  if (kind === 'k') {
    const source = $.CGEventSourceCreate(HID_SYSTEM_STATE)
    const event = $.CGEventCreateKeyboardEvent(source, Number(a), true)
    $.CGEventSetIntegerValueField(event, AUTOREPEAT_FIELD, 1)
    $.CGEventSetFlags(event, Number(b))
    $.CGEventPost(HID_TAP, event)
    $.CFRelease(event)
    $.CFRelease(source)
  } else if (kind === 'm') {
    const data1 = (Number(a) << 16) | (KEY_DOWN << 8) | 1
    const event = $.NSEvent.otherEventWithTypeLocationModifierFlagsTimestampWindowNumberContextSubtypeData1Data2(
      SYSTEM_DEFINED, $.NSMakePoint(0, 0), KEY_DOWN << 8, 0, 0, $(), AUX_BUTTONS, data1, -1)
    $.CGEventPost(HID_TAP, event.CGEvent)
  } else throw new Error('unknown request ' + kind)
}
function run() {
  const input = $.NSFileHandle.fileHandleWithStandardInput
  let pending = ''
  say('ready')
  for (;;) {
    const data = input.availableData
    if (data.length === 0) return
    pending += $.NSString.alloc.initWithDataEncoding(data, $.NSUTF8StringEncoding).js
    for (let end = pending.indexOf('\\n'); end >= 0; end = pending.indexOf('\\n')) {
      const line = pending.slice(0, end)
      pending = pending.slice(end + 1)
      try { post(line); say('ok') } catch (error) { say('error ' + String(error).replace(/\\n/g, ' ')) }
    }
  }
}
`

export interface MacRepeatPosterOptions {
  /** @default 'osascript' */
  command?: string
  /** @default ['-l', 'JavaScript', '-e', POSTER_SCRIPT] */
  args?: string[]
  /** How long one repeat may take before the poster counts as hung and is killed. @default 500 */
  timeoutMs?: number
}

interface Pending {
  resolve(): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

/** Starts the poster process. It does not keep Node alive; it exits when Node does (its stdin closes). */
export function startMacRepeatPoster(options: MacRepeatPosterOptions = {}): RepeatPoster {
  const timeoutMs = options.timeoutMs ?? 500
  let child: ChildProcessWithoutNullStreams | undefined
  let ready = false
  let failure: string | undefined
  const pending: Pending[] = []
  let started: { resolve(): void; reject(error: Error): void } | undefined
  const whenReady = new Promise<void>((resolve, reject) => {
    started = { resolve, reject }
  })
  whenReady.catch(() => undefined) // nobody has to wait for it

  const fail = (why: string) => {
    if (failure) return
    failure = why
    started?.reject(new Error(why))
    // A hung poster could post a repeat after the key-up that follows it: it must not live on.
    child?.kill('SIGKILL')
    for (const p of pending.splice(0)) {
      clearTimeout(p.timer)
      p.reject(new Error(why))
    }
  }

  try {
    child = spawn(options.command ?? 'osascript', options.args ?? ['-l', 'JavaScript', '-e', POSTER_SCRIPT], {
      stdio: 'pipe',
    })
  } catch (error) {
    fail(`could not start the repeat poster: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (child) {
    let buffered = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end).trim()
        buffered = buffered.slice(end + 1)
        if (line === 'ready') {
          ready = true
          started?.resolve()
          continue
        }
        const next = pending.shift()
        if (!next) continue
        clearTimeout(next.timer)
        if (line === 'ok') next.resolve()
        else next.reject(new Error(`the repeat poster refused a repeat: ${line}`))
      }
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-500)
    })
    child.on('error', (error) => fail(`could not start the repeat poster: ${error.message}`))
    child.on('exit', (code, signal) =>
      fail(`the repeat poster exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`),
    )
    child.stdin.on('error', () => undefined) // an exit is reported above
    child.unref()
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?(): void }).unref?.()
  }

  return {
    repeat(key, flags) {
      if (failure) return Promise.reject(new Error(failure))
      // Still starting (osascript takes a moment): the caller posts this one unmarked.
      if (!ready || !child) return Promise.reject(new Error('the repeat poster is not ready yet'))
      const line = key.kind === 'key' ? `k ${key.code} ${flags >>> 0}` : `m ${key.code}`
      const process = child
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => fail(`the repeat poster did not answer within ${timeoutMs} ms`),
          timeoutMs,
        )
        pending.push({ resolve, reject, timer })
        process.stdin.write(`${line}\n`)
      })
    },
    ready: () => whenReady,
    broken: () => failure,
    close() {
      fail('closed')
      child?.stdin.end()
    },
  }
}
