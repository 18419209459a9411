import { startRelay } from '@keyroom/relay'

export interface TestRelay {
  url: string
  close(): Promise<void>
}

/** The real relay (`startRelay({ staticDir })` from @keyroom/relay) serving the built keypad on 127.0.0.1:0. */
export async function startTestRelay(staticDir: string): Promise<TestRelay> {
  const started = await startRelay({ staticDir })
  return { url: started.url, close: () => started.close() }
}
