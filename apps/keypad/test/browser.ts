import { perSuite, startTestRelay, type TestRelay } from '@keyroom/test-kit'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'
import { beforeAll } from 'vitest'
import { buildKeypadOnce } from './build-keypad.js'

/** Debian's Chromium, headless, quiet on a closed network; `extraArgs` e.g. for a fake camera. */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  })

/** A phone: portrait 390x844, touch, mobile viewport. */
export const newPhone = (
  browser: Browser,
  options: {
    colorScheme?: 'light' | 'dark'
    landscape?: boolean
    /** 'block': a phone whose service worker has not cached the app yet (its first visit). @default 'allow' */
    serviceWorkers?: 'allow' | 'block'
  } = {},
): Promise<BrowserContext> =>
  browser.newContext({
    viewport: options.landscape ? { width: 844, height: 390 } : { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
    colorScheme: options.colorScheme ?? 'dark',
    serviceWorkers: options.serviceWorkers ?? 'allow',
  })

export interface ServedKeypad {
  /** The e2e build (build-keypad.ts). */
  dist: string
  /** A real relay serving that build on 127.0.0.1. */
  relay: TestRelay
  browser: Browser
}

/**
 * What each keypad end-to-end file starts once: the e2e build, a real relay serving it and a headless Chromium,
 * ready before the file's first test and stopped after its last. Read the fields inside tests.
 */
export function serveKeypadForSuite(chromiumArgs: string[] = []): ServedKeypad {
  const suite = perSuite()
  const served = {} as ServedKeypad
  beforeAll(async () => {
    served.dist = await buildKeypadOnce()
    served.relay = await startTestRelay({ staticDir: served.dist }, suite)
    served.browser = await launchChromium(chromiumArgs)
    suite(() => served.browser.close())
  }, 120_000)
  return served
}
