import { MAX_TEXT_LENGTH } from '@keyroom/key-events'

/** Splits text into `text` actions that each fit MAX_TEXT_LENGTH, never inside a surrogate pair. */
export function chunkText(text: string, max = MAX_TEXT_LENGTH): string[] {
  const chunks: string[] = []
  let rest = text
  while (rest.length > max) {
    let cut = max
    const last = rest.charCodeAt(cut - 1)
    if (last >= 0xd800 && last <= 0xdbff) cut -= 1
    chunks.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  if (rest.length > 0) chunks.push(rest)
  return chunks
}
