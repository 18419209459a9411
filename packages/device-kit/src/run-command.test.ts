import { describe, expect, it } from 'vitest'
import { createCommandRunner, runCommand } from './run-command.js'

describe('command runner', () => {
  it('returns the exit code and output, never throwing for a failure', async () => {
    expect(await runCommand(process.execPath, ['-e', 'process.stdout.write("hi"); process.exit(3)'])).toEqual(
      {
        code: 3,
        stdout: 'hi',
        stderr: '',
      },
    )
    const missing = await runCommand('/nonexistent/keyroom-binary', [])
    expect(missing.code).toBe(127)
    expect(missing.stderr).toContain('ENOENT')
  })

  it('kills a command that does not finish in time: code 124 and a message that says so', async () => {
    const run = createCommandRunner({ timeoutMs: 200 })
    const hung = await run(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
    expect(hung.code).toBe(124)
    expect(hung.stderr).toContain('did not finish within 200 ms')
  })
})
