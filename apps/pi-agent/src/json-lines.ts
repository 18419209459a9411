/**
 * Maps each value's path in a JSON text (`outputs.1.pin`) to the line it starts on, so that errors about a
 * pin map can say where to look. Assumes the text already parsed with JSON.parse.
 */
export function jsonValueLines(text: string): Map<string, number> {
  const lines = new Map<string, number>()
  let i = 0
  let line = 1
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] ?? '')) {
      if (text[i] === '\n') line += 1
      i += 1
    }
  }
  const readString = (): string => {
    const start = i
    i += 1
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i += 1
    return JSON.parse(text.slice(start, i)) as string
  }
  // Bounded by the text length: every step advances i.
  const value = (path: string) => {
    skipSpace()
    lines.set(path, line)
    const at = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`)
    const c = text[i]
    if (c === '{') {
      i += 1
      skipSpace()
      while (i < text.length && text[i] !== '}') {
        skipSpace()
        const key = readString()
        skipSpace()
        i += 1 // ':'
        value(at(key))
        skipSpace()
        if (text[i] === ',') i += 1
        skipSpace()
      }
      i += 1
    } else if (c === '[') {
      i += 1
      let index = 0
      skipSpace()
      while (i < text.length && text[i] !== ']') {
        value(at(index))
        index += 1
        skipSpace()
        if (text[i] === ',') i += 1
        skipSpace()
      }
      i += 1
    } else if (c === '"') {
      readString()
    } else {
      while (i < text.length && /[^\s,\]}]/.test(text[i] ?? '')) i += 1
    }
  }
  value('')
  return lines
}

/** Line and column (1-based) of a character offset. */
export function lineOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 }
}
