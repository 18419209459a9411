import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The built entry point a service runs (production runs dist/, not the TypeScript source): from an app's
 * `src/<module>.ts` (a source run) that is `dist/main.js`, from `dist/<module>.js` it is `main.js` beside it.
 */
export function builtMainPath(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl)
  return here.endsWith('.ts') ? join(dirname(here), '..', 'dist', 'main.js') : join(dirname(here), 'main.js')
}
