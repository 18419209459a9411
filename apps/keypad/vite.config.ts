import { defaultClientConditions, defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

export default defineConfig({
  // The workspace packages build from their TypeScript source (the `@keyroom/source` export condition).
  resolve: {
    conditions: ['@keyroom/source', ...defaultClientConditions],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      // qrcode (CommonJS) looks side-effectful to the bundler, which would pull it into the first-load chunk
      // through room-client's index; it has none, so it can live in the lazy QR chunk only.
      treeshake: { moduleSideEffects: (id: string) => !/qrcode|room-client[\\/]src[\\/]qr\.ts$/.test(id) },
    },
  },
  plugins: [
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
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
        // Take over the open page at once, so the very first visit already works offline on reload.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
})
