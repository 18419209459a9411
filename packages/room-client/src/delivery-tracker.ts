import { RECEIPT_TIMEOUT_MS, type ReceiptMessage } from '@keyroom/key-events'
import type { Delivery } from './types.js'

/** Most actions awaiting receipts at once; past it the oldest is settled early (as missing where unacknowledged). */
const MAX_OUTSTANDING = 512

interface Outstanding {
  expected: Set<string>
  delivered: string[]
  lost: { peer: string; reason: string }[]
  /** Expected peers that left before answering: missing, and nothing more to wait for. */
  gone: Set<string>
  timer: ReturnType<typeof setTimeout>
  waiters: ((delivery: Delivery) => void)[]
}

/**
 * Sender side: each tracked action expects a receipt from every receipt-giving peer present when it was sent; it
 * settles when all answered, or after RECEIPT_TIMEOUT_MS with the rest counted missing.
 */
export function createDeliveryTracker(onSettled: (delivery: Delivery) => void) {
  const outstanding = new Map<number, Outstanding>()
  const settle = (seq: number) => {
    const entry = outstanding.get(seq)
    if (!entry) return
    outstanding.delete(seq)
    clearTimeout(entry.timer)
    const answered = new Set([...entry.delivered, ...entry.lost.map((l) => l.peer)])
    const delivery: Delivery = {
      seq,
      delivered: entry.delivered,
      lost: entry.lost,
      missing: [...entry.expected].filter((peer) => !answered.has(peer)),
    }
    for (const waiter of entry.waiters) waiter(delivery)
    onSettled(delivery)
  }
  const maybeDone = (seq: number, entry: Outstanding) => {
    if (entry.delivered.length + entry.lost.length + entry.gone.size >= entry.expected.size) settle(seq)
  }
  return {
    track(seq: number, expected: Iterable<string>, timeoutMs = RECEIPT_TIMEOUT_MS): void {
      if (outstanding.size >= MAX_OUTSTANDING) settle(outstanding.keys().next().value ?? -1)
      const entry: Outstanding = {
        expected: new Set(expected),
        delivered: [],
        lost: [],
        gone: new Set(),
        timer: setTimeout(() => settle(seq), timeoutMs),
        waiters: [],
      }
      ;(entry.timer as { unref?: () => void }).unref?.()
      outstanding.set(seq, entry)
      maybeDone(seq, entry)
    },
    /** Resolves when `seq` settles; at once (as all missing) when it is not tracked. */
    settled(seq: number): Promise<Delivery> {
      const entry = outstanding.get(seq)
      if (!entry) return Promise.resolve({ seq, delivered: [], lost: [], missing: [] })
      return new Promise((resolve) => entry.waiters.push(resolve))
    },
    /** A receipt from `peer`: only peers an action expected count, each once. */
    receipt(peer: string, receipt: ReceiptMessage): void {
      const answers: [number, string | undefined][] = [
        ...receipt.seqs.map((seq): [number, undefined] => [seq, undefined]),
        ...(receipt.lost ?? []).map((l): [number, string] => [l.seq, l.reason]),
      ]
      for (const [seq, reason] of answers) {
        const entry = outstanding.get(seq)
        if (!entry?.expected.has(peer)) continue
        if (entry.gone.has(peer) || entry.delivered.includes(peer) || entry.lost.some((l) => l.peer === peer))
          continue
        if (reason === undefined) entry.delivered.push(peer)
        else entry.lost.push({ peer, reason })
        maybeDone(seq, entry)
      }
    },
    /** A peer left: what it has not acknowledged is missing, and not waited for any longer. */
    forget(peer: string): void {
      for (const [seq, entry] of outstanding) {
        if (!entry.expected.has(peer) || entry.gone.has(peer)) continue
        const answered = entry.delivered.includes(peer) || entry.lost.some((l) => l.peer === peer)
        if (answered) continue
        entry.gone.add(peer)
        maybeDone(seq, entry)
      }
    },
    stop(): void {
      for (const seq of [...outstanding.keys()]) settle(seq)
    },
  }
}
