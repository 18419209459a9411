// Measures what a first visit downloads: the JavaScript index.html loads or preloads, gzipped.
// Run after a build: `pnpm --filter @keyroom/keypad size`.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export interface BundleSize {
  /** Gzipped bytes of every script index.html loads or preloads. */
  firstLoadJsGzip: number
  files: Array<{ file: string; gzip: number; firstLoad: boolean }>
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
    'registerSW.js',
  ].map((file) => ({
    file,
    gzip: gzipSync(readFileSync(join(dist, file)), { level: 9 }).length,
    firstLoad: firstLoad.has(file),
  }))
  return { firstLoadJsGzip: files.filter((f) => f.firstLoad).reduce((sum, f) => sum + f.gzip, 0), files }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = measureBundle(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'))
  for (const f of size.files.sort((a, b) => b.gzip - a.gzip)) {
    process.stdout.write(
      `${f.firstLoad ? 'first load' : 'on demand '}  ${(f.gzip / 1024).toFixed(1).padStart(6)} KB  ${f.file}\n`,
    )
  }
  process.stdout.write(`first-load JavaScript, gzipped: ${(size.firstLoadJsGzip / 1024).toFixed(1)} KB\n`)
}
