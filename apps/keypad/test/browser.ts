import { type Browser, type BrowserContext, chromium } from 'playwright-core'

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
  options: { colorScheme?: 'light' | 'dark'; landscape?: boolean } = {},
): Promise<BrowserContext> =>
  browser.newContext({
    viewport: options.landscape ? { width: 844, height: 390 } : { width: 390, height: 844 },
    deviceScaleFactor: 2,
    hasTouch: true,
    isMobile: true,
    colorScheme: options.colorScheme ?? 'dark',
    serviceWorkers: 'allow',
  })
