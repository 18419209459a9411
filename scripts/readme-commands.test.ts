// The README's `pnpm X -- …` forms, run through pnpm as a user types them: each prints its help and exits 0.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnProcess } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pnpm = ['-y', 'pnpm@10.34.9']

describe.each([
  ['keyroom', 'keyroom pair --link-file'],
  ['receiver', 'keyroom-receiver'],
  ['pi-agent', 'keyroom-pi'],
])('pnpm %s -- --help', (script, usage) => {
  it('prints the usage and exits 0', async () => {
    const run = spawnProcess('npx', [...pnpm, script, '--', '--help'], { cwd: root })
    expect(await run.exited, run.stderr()).toBe(0)
    expect(run.stdout()).toContain(usage)
  }, 60_000)
})
