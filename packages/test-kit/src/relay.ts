import { type RelayOptions, startRelay } from '@keyroom/relay'
import { type Cleanup, perTest } from './cleanup.js'

export type TestRelay = Awaited<ReturnType<typeof startRelay>>

/** The real relay on 127.0.0.1, port 0 unless `options.port` says otherwise, closed when the test finishes. */
export async function startTestRelay(
  options: RelayOptions = {},
  cleanup: Cleanup = perTest,
): Promise<TestRelay> {
  const started = await startRelay(options)
  cleanup(() => started.close())
  return started
}
