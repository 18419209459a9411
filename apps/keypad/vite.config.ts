import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { defaultClientConditions, defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as {
  version: string
}

/** The commit the keypad was built from (`-dirty` with uncommitted changes); KEYROOM_BUILD overrides it. */
function buildHash(): string {
  if (process.env.KEYROOM_BUILD) return process.env.KEYROOM_BUILD
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = git('status', '--porcelain', '--', '.', '../../packages') !== ''
    return `${git('rev-parse', '--short=10', 'HEAD')}${dirty ? '-dirty' : ''}`
  } catch {
    return 'unknown'
  }
}

export default defineConfig({
  // The keypad shows what it is running (build-info.ts), so a person can tell which code they trust.
  define: {
    __KEYPAD_VERSION__: JSON.stringify(version),
    __KEYPAD_BUILD__: JSON.stringify(buildHash()),
  },
  // The workspace packages build from their TypeScript source (the `@keyroom/source` export condition).
  resolve: {
    conditions: ['@keyroom/source', ...defaultClientConditions],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser the keypad supports has modulepreload; the polyfill only cost first-load bytes.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // qrcode (CommonJS) looks side-effectful to the bundler, which would pull it into the first-load chunk
      // through room-client's index; it has none, so it can live in the lazy QR chunk only.
      treeshake: { moduleSideEffects: (id: string) => !/qrcode|room-client[\\/]src[\\/]qr\.ts$/.test(id) },
    },
  },
  plugins: [
    VitePWA({
      // New code waits until the user taps "Reload" (sw-update.ts registers the worker and asks).
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icon.svg', 'icon-192.png'],
      manifest: {
        name: 'keyroom keypad',
        short_name: 'keyroom',
        description: 'Your phone as a keyboard and button pad for another machine',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#111418',
        theme_color: '#111418',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The app shell and its lazy chunks (QR scanner, macro editor) are precached: the keypad opens offline.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/socket\.io\//],
        cleanupOutdatedCaches: true,
        // No skipWaiting / clientsClaim: code that can read the room key is never swapped in silently.
      },
    }),
  ],
})
