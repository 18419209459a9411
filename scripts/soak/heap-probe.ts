// Preloaded into the relay under soak (`node --expose-gc --import <this> apps/relay/src/main.ts`): answers
// `{ type: 'heap' }` over IPC with the heap after a full GC, so the real relay entry point runs unchanged.
const gc = (globalThis as { gc?: () => void }).gc
process.on('message', (message: { type?: string }) => {
  if (message?.type !== 'heap') return
  gc?.()
  const { heapUsed, rss } = process.memoryUsage()
  process.send?.({ type: 'heap', heapUsed, rss })
})
// The relay goes when the soak does, however the soak ends.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
