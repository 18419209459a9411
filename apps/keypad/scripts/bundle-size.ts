// Measures what a first visit downloads: the JavaScript index.html loads or preloads, gzipped.
// Run after a build: `pnpm --filter @keyroom/keypad size`.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

/** Issue 4: "first load under 100 KB of gzipped JavaScript" (KB read strictly as 1000 bytes). */
export const FIRST_LOAD_BUDGET_BYTES = 100_000

export interface BundleSize {
  /** Gzipped bytes of every script index.html loads or preloads. */
  firstLoadJsGzip: number
  /** `serviceWorker`: sw.js and Workbox, fetched by the browser in the background after the page loads. */
  files: Array<{ file: string; gzip: number; firstLoad: boolean; serviceWorker: boolean }>
}

export function measureBundle(dist: string): BundleSize {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const firstLoad = new Set(
    [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g)].map(
      (m) => m[1] ?? '',
    ),
  )
  const files = [
    ...readdirSync(join(dist, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `assets/${f}`),
    ...readdirSync(dist).filter((f) => f.endsWith('.js')),
  ].map((file) => ({
    file,
    gzip: gzipSync(readFileSync(join(dist, file)), { level: 9 }).length,
    firstLoad: firstLoad.has(file),
    serviceWorker: /^(sw|workbox-[\w-]+)\.js$/.test(file),
  }))
  return { firstLoadJsGzip: files.filter((f) => f.firstLoad).reduce((sum, f) => sum + f.gzip, 0), files }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = measureBundle(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'))
  for (const f of size.files.sort((a, b) => b.gzip - a.gzip)) {
    process.stdout.write(
      `${f.firstLoad ? 'first load    ' : f.serviceWorker ? 'service worker' : 'on demand     '}  ${(f.gzip / 1024).toFixed(1).padStart(6)} KiB  ${f.file}\n`,
    )
  }
  const within = size.firstLoadJsGzip < FIRST_LOAD_BUDGET_BYTES
  process.stdout.write(
    `first-load JavaScript, gzipped: ${size.firstLoadJsGzip} bytes (${(size.firstLoadJsGzip / 1024).toFixed(1)} KiB), budget ${FIRST_LOAD_BUDGET_BYTES}: ${within ? 'within' : 'OVER'}\n`,
  )
  if (!within) process.exitCode = 1
}
