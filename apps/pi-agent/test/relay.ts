import { startRelay } from '@keyroom/relay'
import { onTestFinished } from 'vitest'

/** The real relay on 127.0.0.1:0, closed when the test finishes (close is idempotent). */
export async function startTestRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const { url, close } = await startRelay()
  onTestFinished(close)
  return { url, close }
}
