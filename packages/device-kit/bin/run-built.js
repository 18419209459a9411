// What a device app's installed command does. Plain JavaScript outside dist/, so that it runs before the first build
// (a bin pointing into dist/ gave a "Failed to create bin" warning on every fresh install) and can say so.
import { existsSync } from 'node:fs'

/**
 * Loads the app's built entry point, or says which build to run when there is none yet (exit 1).
 * @param {URL} entry the built module, e.g. `new URL('../dist/main.js', import.meta.url)`
 * @param {string} command the installed command's name, for the message
 * @param {string} pkg the package to build
 */
export async function runBuilt(entry, command, pkg) {
  if (!existsSync(entry)) {
    process.stderr.write(`${command}: not built yet; run: pnpm --filter ${pkg} build\n`)
    process.exit(1)
  }
  await import(entry.href)
}
