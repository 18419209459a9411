import type { KeyCode } from '@keyroom/key-events'
import { InjectError, type Keyboard } from '../src/keyboard.js'
import type { LogLine } from '../src/log-keyboard.js'

export interface RecordingKeyboard extends Keyboard {
  /** Every accepted action, in order. */
  readonly actions: LogLine[]
  /** When each of `actions` was accepted (Date.now()), at the same index. */
  readonly times: number[]
  /** Keys currently down, as a keyboard would see them. */
  readonly down: ReadonlySet<KeyCode>
}

/** A keyboard for tests: records what it was asked to do; refuses `unsupported` codes like a real driver would. */
export function createRecordingKeyboard(
  options: { unsupported?: KeyCode[]; failRelease?: KeyCode[] } = {},
): RecordingKeyboard {
  const actions: LogLine[] = []
  const times: number[] = []
  const record = (line: LogLine) => {
    actions.push(line)
    times.push(Date.now())
  }
  const down = new Set<KeyCode>()
  const refuse = (code: KeyCode) => {
    if (options.unsupported?.includes(code)) {
      throw new InjectError('unsupported-key', `${code} is not on this test keyboard`, code)
    }
  }
  return {
    actions,
    times,
    down,
    async pressKey(code) {
      refuse(code)
      record({ action: 'down', code })
      down.add(code)
    },
    async releaseKey(code) {
      refuse(code)
      if (options.failRelease?.includes(code)) throw new Error(`release of ${code} failed`)
      record({ action: 'up', code })
      down.delete(code)
    },
    async type(text) {
      record({ action: 'type', text })
    },
  }
}
