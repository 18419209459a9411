import { startRelay } from '@keyroom/relay'

export interface TestRelay {
  url: string
  port: number
  close(): Promise<void>
}

/**
 * The real relay (`startRelay({ staticDir })` from @keyroom/relay) serving the built keypad on 127.0.0.1, on
 * `port` (a restart serving new code) or any free one.
 */
export async function startTestRelay(staticDir: string, port = 0): Promise<TestRelay> {
  const started = await startRelay({ staticDir, port })
  return { url: started.url, port: started.port, close: () => started.close() }
}
