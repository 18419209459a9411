import { MAX_RECEIPT_SEQS, RECEIPT_INTERVAL_MS, type ReceiptMessage } from '@keyroom/key-events'

/**
 * Receiver side: collects what arrived from each sender and what was dropped, and sends one `receipt` per sender per
 * RECEIPT_INTERVAL_MS, so acknowledging costs a few relay events per second however fast the sender types.
 */
export function createReceiptBatcher(send: (receipt: ReceiptMessage) => void) {
  const pending = new Map<string, { seqs: number[]; lost: { seq: number; reason: string }[] }>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    timer = undefined
    for (const [to, { seqs, lost }] of pending) {
      for (let i = 0; i < Math.max(seqs.length, lost.length); i += MAX_RECEIPT_SEQS) {
        const part = lost.slice(i, i + MAX_RECEIPT_SEQS)
        send({
          type: 'receipt',
          to,
          seqs: seqs.slice(i, i + MAX_RECEIPT_SEQS),
          ...(part.length > 0 ? { lost: part } : {}),
        })
      }
    }
    pending.clear()
  }
  const entry = (to: string) => {
    let found = pending.get(to)
    if (!found) {
      found = { seqs: [], lost: [] }
      pending.set(to, found)
    }
    timer ??= setTimeout(flush, RECEIPT_INTERVAL_MS)
    return found
  }
  return {
    arrived: (to: string, seq: number) => void entry(to).seqs.push(seq),
    lost: (to: string, seq: number, reason: string) => void entry(to).lost.push({ seq, reason }),
    flush,
    stop() {
      clearTimeout(timer)
      timer = undefined
      pending.clear()
    },
  }
}
