import type { Pointer, PointerLogLine } from './pointer.js'

export interface LogPointerOptions {
  /** Where the JSON lines go. @default process.stdout.write */
  write?: (line: string) => void
  /** Lines for a person (`moved 40,-10`) instead of JSON, for a terminal. @default false */
  human?: boolean
}

/** A pointer log line in words. */
function describePointerLine(line: PointerLogLine): string {
  switch (line.action) {
    case 'move':
      return `moved ${line.dx},${line.dy}`
    case 'scroll':
      return `scrolled ${line.dx},${line.dy}`
    case 'press':
      return `pressed the ${line.button} button`
    case 'release':
      return `released the ${line.button} button`
    case 'click':
      return `clicked the ${line.button} button`
  }
}

/** Prints one JSON object per line for every pointer action instead of moving anything. */
export function createLogPointer(options: LogPointerOptions = {}): Pointer {
  const write = options.write ?? ((line: string) => void process.stdout.write(line))
  const print = (line: PointerLogLine) =>
    write(`${options.human ? describePointerLine(line) : JSON.stringify(line)}\n`)
  return {
    move: async (dx, dy) => print({ action: 'move', dx, dy }),
    press: async (button) => print({ action: 'press', button }),
    release: async (button) => print({ action: 'release', button }),
    click: async (button) => print({ action: 'click', button }),
    scroll: async (dx, dy) => print({ action: 'scroll', dx, dy }),
  }
}
