import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'

const runBuilt = new URL('../bin/run-built.js', import.meta.url).href

/** An installed command as the apps' bin/ files write it, loading `entry` (a file in `dir`). */
const launcher = (dir: string, entry: string) => {
  const bin = join(dir, 'bin.mjs')
  writeFileSync(
    bin,
    `import { runBuilt } from '${runBuilt}'\nawait runBuilt(new URL('./${entry}', import.meta.url), 'keyroom-x', '@keyroom/x')\n`,
  )
  return bin
}

describe('runBuilt (the device apps bin/ launchers)', () => {
  it('says which build to run when the app is not built, exit 1', async () => {
    const dir = tempDir()
    const run = await promisify(execFile)(process.execPath, [launcher(dir, 'dist/main.js')]).catch((e) => e)
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('keyroom-x: not built yet; run: pnpm --filter @keyroom/x build\n')
  })

  it('runs the built entry point', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'main.js'), 'process.stdout.write("ran " + process.argv.slice(2).join(" "))\n')
    const run = await promisify(execFile)(process.execPath, [launcher(dir, 'main.js'), 'status'])
    expect(run.stdout).toBe('ran status')
  })
})
