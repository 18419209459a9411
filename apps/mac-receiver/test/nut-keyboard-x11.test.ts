import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startXSession } from './x-session.js'

const script = fileURLToPath(new URL('./fixtures/nut-script.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))

const nut = (env: NodeJS.ProcessEnv, steps: unknown[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--conditions=@keyroom/source', '--import', 'tsx', script, JSON.stringify(steps)],
      { env, cwd: packageDir, timeout: 15_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  )

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
