import { fileURLToPath } from 'node:url'
import { runFromSource } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { startXSession } from './x-session.js'

const script = fileURLToPath(new URL('./fixtures/nut-script.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))

const nut = async (env: NodeJS.ProcessEnv, steps: unknown[]) => {
  const run = await runFromSource(script, [JSON.stringify(steps)], { env, cwd: packageDir })
  if (run.code !== 0) throw new Error(`nut-script exited with ${run.code}\n${run.stderr}`)
  return run.stdout
}

describe('nut keyboard in a real X server', () => {
  it('types US ASCII exactly, symbols included, and refuses what it cannot type', async () => {
    const x = await startXSession()
    const output = await nut(x.env, [
      ['type', 'Hello: a|b "q" ~!@#$%^&*()_+{}<>? 09'],
      ['type', 'äb'],
      ['down', 'ContextMenu'],
      ['down', 'ShiftLeft'],
      ['down', 'KeyK'],
      ['up', 'KeyK'],
      ['up', 'ShiftLeft'],
      ['down', 'ControlLeft'],
      ['down', 'KeyC'],
      ['up', 'KeyC'],
      ['up', 'ControlLeft'],
      ['down', 'Enter'],
      ['up', 'Enter'],
    ])
    await x.waitFor('Hello: a|b "q" ~!@#$%^&*()_+{}<>? 09K\x03\r')
    expect(
      output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ error: 'unsupported-text' }, { error: 'unsupported-key' }])
  })
})
