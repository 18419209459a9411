import type { Pointer, PointerLogLine } from './pointer.js'

export interface LogPointerOptions {
  /** Where the JSON lines go. @default process.stdout.write */
  write?: (line: string) => void
}

/** Prints one JSON object per line for every pointer action instead of moving anything. */
export function createLogPointer(options: LogPointerOptions = {}): Pointer {
  const write = options.write ?? ((line: string) => void process.stdout.write(line))
  const print = (line: PointerLogLine) => write(`${JSON.stringify(line)}\n`)
  return {
    move: async (dx, dy) => print({ action: 'move', dx, dy }),
    press: async (button) => print({ action: 'press', button }),
    release: async (button) => print({ action: 'release', button }),
    click: async (button) => print({ action: 'click', button }),
    scroll: async (dx, dy) => print({ action: 'scroll', dx, dy }),
  }
}
