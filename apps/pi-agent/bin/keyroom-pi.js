#!/usr/bin/env node
// The installed command. It lives outside dist/ so that pnpm links it at install time, before the first build
// (a bin pointing into dist/ gave a "Failed to create bin" warning on every fresh install).
import { existsSync } from 'node:fs'

const entry = new URL('../dist/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('keyroom-pi: not built yet; run: pnpm --filter @keyroom/pi-agent build\n')
  process.exit(1)
}
await import(entry.href)
