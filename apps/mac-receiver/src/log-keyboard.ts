import type { KeyCode } from '@keyroom/key-events'
import { requireNutKey } from './key-map.js'
import type { Keyboard } from './keyboard.js'

/** One line of the log driver's output. */
export type LogLine = { action: 'down' | 'up' | 'repeat'; code: KeyCode } | { action: 'type'; text: string }

export interface LogKeyboardOptions {
  /** Where the JSON lines go. @default process.stdout.write */
  write?: (line: string) => void
  /** Refuses codes that this platform cannot inject, as the nut driver would. @default process.platform */
  platform?: string
  /** Lines for a person (`pressed KeyQ`, `typed 5 characters`) instead of JSON, for a terminal. @default false */
  human?: boolean
}

/** A log line in words; text is counted, not shown, since a terminal is often on a screen others see. */
function describeKeyLine(line: LogLine): string {
  if (line.action === 'type') {
    const count = [...line.text].length
    return `typed ${count} character${count === 1 ? '' : 's'}`
  }
  const verb = { down: 'pressed', up: 'released', repeat: 'repeated' }[line.action]
  return `${verb} ${line.code}`
}

/** Prints one line (JSON, or words with `human`) for every action instead of pressing keys: for trying without permissions. */
export function createLogKeyboard(options: LogKeyboardOptions = {}): Keyboard {
  const write = options.write ?? ((line: string) => void process.stdout.write(line))
  const platform = options.platform ?? process.platform
  const print = (line: LogLine) => write(`${options.human ? describeKeyLine(line) : JSON.stringify(line)}\n`)
  const check = (code: KeyCode) => void requireNutKey(code, platform)
  const keyboard: Keyboard = {
    async pressKey(code) {
      check(code)
      print({ action: 'down', code })
    },
    async releaseKey(code) {
      check(code)
      print({ action: 'up', code })
    },
    async type(text) {
      print({ action: 'type', text })
    },
  }
  // As the nut driver: keyroom repeats held keys except on Linux, where the X server does.
  if (platform !== 'linux')
    keyboard.repeatKey = async (code) => {
      check(code)
      print({ action: 'repeat', code })
    }
  return keyboard
}
