/** A plist value as parsed back from XML. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue }

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

/**
 * A strict parser for the XML plist subset launchd reads (dict, array, key, string, integer, true, false): it throws
 * on anything else, on unbalanced tags and on stray text, so a malformed plist fails the test. Stands in for `plutil`.
 */
export function parsePlist(xml: string): PlistValue {
  const body = xml
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^\s*<!DOCTYPE plist[^>]*>/, '')
    .trim()
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? []
  let i = 0
  const next = () => {
    const token = tokens[i++]
    if (token === undefined) throw new Error('unexpected end of plist')
    return token
  }
  const skipSpace = () => {
    while (tokens[i] !== undefined && !tokens[i]?.startsWith('<') && tokens[i]?.trim() === '') i++
  }
  const expect = (tag: string) => {
    skipSpace()
    const token = next()
    if (token !== tag) throw new Error(`expected ${tag}, got ${token}`)
  }
  const text = (close: string) => {
    let value = ''
    if (!tokens[i]?.startsWith('<')) value = next()
    expect(close)
    if (value.includes('<') || value.includes('>')) throw new Error(`bad text ${value}`)
    return unescapeXml(value)
  }
  const value = (): PlistValue => {
    skipSpace()
    const token = next()
    switch (token) {
      case '<string>':
        return text('</string>')
      case '<string/>':
        return ''
      case '<integer>': {
        const raw = text('</integer>')
        if (!/^-?\d+$/.test(raw)) throw new Error(`bad integer ${raw}`)
        return Number(raw)
      }
      case '<true/>':
        return true
      case '<false/>':
        return false
      case '<array>': {
        const items: PlistValue[] = []
        for (skipSpace(); tokens[i] !== '</array>'; skipSpace()) items.push(value())
        i++
        return items
      }
      case '<dict>': {
        const dict: Record<string, PlistValue> = {}
        for (skipSpace(); tokens[i] !== '</dict>'; skipSpace()) {
          expect('<key>')
          const key = text('</key>')
          if (key in dict) throw new Error(`duplicate key ${key}`)
          dict[key] = value()
        }
        i++
        return dict
      }
      default:
        throw new Error(`unexpected ${token}`)
    }
  }
  expect('<plist version="1.0">')
  const root = value()
  expect('</plist>')
  skipSpace()
  if (i !== tokens.length) throw new Error('text after </plist>')
  return root
}
