import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const workspace = resolve(root, '../..')
/** The e2e build goes here (gitignored), so tests never fight over apps/keypad/dist with `pnpm start`. */
export const E2E_DIST = join(root, 'test-output', 'dist')

const inputs = [
  join(root, 'src'),
  join(root, 'public'),
  join(root, 'index.html'),
  join(root, 'vite.config.ts'),
  join(root, 'package.json'),
  join(workspace, 'packages/room-client/src'),
  join(workspace, 'packages/key-events/src'),
]

/** Vitest sets NODE_ENV=test, which vite build would pass on (dev builds of React's and Workbox's code). */
const BUILD_ENV = { ...process.env, NODE_ENV: 'production' }

function hashInputs(): string {
  const hash = createHash('sha256').update(`NODE_ENV=${BUILD_ENV.NODE_ENV}`)
  const visit = (path: string) => {
    if (!existsSync(path)) return
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry))
    } else if (!path.endsWith('.test.ts')) {
      hash.update(path).update(readFileSync(path))
    }
  }
  for (const input of inputs) visit(input)
  return hash.digest('hex')
}

/** Builds the keypad for the e2e tests unless a build of exactly these sources is already there. */
export async function buildKeypadOnce(): Promise<string> {
  const stamp = join(E2E_DIST, '.sources-hash')
  const hash = hashInputs()
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return E2E_DIST
  await promisify(execFile)(
    join(root, 'node_modules/.bin/vite'),
    ['build', '--outDir', E2E_DIST, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: root, timeout: 120_000, env: BUILD_ENV },
  )
  writeFileSync(stamp, hash)
  return E2E_DIST
}
