/**
 * A small reader of HID report descriptors (HID 1.11 section 6.2.2), written from the spec for the tests: it walks
 * the short items, keeps the global state (Report Size, Report Count, Usage Page, Logical Minimum/Maximum) and adds
 * up the bits of every Input and Output main item, as a host does to learn a report's length.
 */
export interface DescriptorSummary {
  inputBits: number
  outputBits: number
  /** Each Input item: its flags byte, bit size, count, usage page and logical range. */
  inputs: { flags: number; size: number; count: number; page: number; min: number; max: number }[]
  collectionsOpen: number
}

export function readDescriptor(bytes: Uint8Array): DescriptorSummary {
  const state = { size: 0, count: 0, page: 0, min: 0, max: 0 }
  const summary: DescriptorSummary = { inputBits: 0, outputBits: 0, inputs: [], collectionsOpen: 0 }
  let i = 0
  while (i < bytes.length) {
    const prefix = bytes[i]!
    const sizeCode = prefix & 0x03
    const length = sizeCode === 3 ? 4 : sizeCode
    const type = (prefix >> 2) & 0x03 // 0 main, 1 global, 2 local
    const tag = prefix >> 4
    if (i + 1 + length > bytes.length) throw new Error(`item at ${i} runs past the end`)
    let unsigned = 0
    for (let b = 0; b < length; b += 1) unsigned |= bytes[i + 1 + b]! << (8 * b)
    const signed = length === 0 ? 0 : (unsigned << (32 - 8 * length)) >> (32 - 8 * length)
    if (type === 1) {
      if (tag === 0x0) state.page = unsigned
      if (tag === 0x1) state.min = signed
      if (tag === 0x2) state.max = signed
      if (tag === 0x7) state.size = unsigned
      if (tag === 0x9) state.count = unsigned
    } else if (type === 0) {
      if (tag === 0x8) {
        summary.inputBits += state.size * state.count
        summary.inputs.push({ flags: unsigned, ...state })
      }
      if (tag === 0x9) summary.outputBits += state.size * state.count
      if (tag === 0xa) summary.collectionsOpen += 1
      if (tag === 0xc) summary.collectionsOpen -= 1
    }
    i += 1 + length
  }
  return summary
}
