import { startRelay as startStandIn } from './stand-in-relay.js'

export interface TestRelay {
  url: string
  close(): Promise<void>
  /** Which relay runs: the real @keyroom/relay, or the stand-in while that package has no source yet. */
  kind: 'relay' | 'stand-in'
}

type StartRelay = (config: { staticDir: string }) => Promise<{ url: string; close(): Promise<void> }>

/** The real relay (`startRelay({ staticDir })` from @keyroom/relay) serving the built keypad on 127.0.0.1:0. */
export async function startTestRelay(staticDir: string): Promise<TestRelay> {
  // A variable specifier: @keyroom/relay is written in parallel and may not exist yet when this runs.
  const specifier = '@keyroom/relay'
  const relay = (await import(/* @vite-ignore */ specifier).catch(() => undefined)) as
    | { startRelay?: StartRelay }
    | undefined
  const started = relay?.startRelay
    ? await relay.startRelay({ staticDir })
    : await startStandIn({ staticDir })
  return { url: started.url, close: () => started.close(), kind: relay?.startRelay ? 'relay' : 'stand-in' }
}
