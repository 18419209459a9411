// Replaced by Vite's `define` at build (vite.config.ts); unit tests run the source without it.
declare const __KEYPAD_VERSION__: string | undefined
declare const __KEYPAD_BUILD__: string | undefined

/** The keypad's version (package.json) and the commit it was built from, shown in the pairing panel. */
export const BUILD_INFO = {
  version: typeof __KEYPAD_VERSION__ === 'string' ? __KEYPAD_VERSION__ : 'dev',
  build: typeof __KEYPAD_BUILD__ === 'string' ? __KEYPAD_BUILD__ : 'source',
} as const
