import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parsePlist, tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { createLaunchAgent, LAUNCH_AGENT_LABEL, renderLaunchAgentPlist } from './launchd.js'
import type { CommandRunner } from './run-command.js'

const spec = {
  label: LAUNCH_AGENT_LABEL,
  programArguments: [
    '/opt/homebrew/bin/node',
    '/Users/ann/keyroom & co/apps/mac-receiver/dist/main.js',
    'run',
  ],
  stdoutPath: '/Users/ann/Library/Logs/keyroom/receiver.log',
  stderrPath: '/Users/ann/Library/Logs/keyroom/receiver.err.log',
  workingDirectory: '/Users/ann/keyroom & co/apps/mac-receiver',
  environment: { KEYROOM_CONFIG_DIR: '/Users/ann/Library/Application Support/keyroom' },
}

/** A fake launchctl that records its calls and answers from a table. */
function fakeLaunchctl(answers: Record<string, number> = {}) {
  const calls: string[][] = []
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args])
    const code = answers[args[0] ?? ''] ?? 0
    return {
      code,
      stdout: code === 0 ? `${args[1]} = { state = running }` : '',
      stderr: code ? 'Boot-out failed: 3' : '',
    }
  }
  return { calls, run }
}

describe('LaunchAgent plist', () => {
  it('parses back with every key launchd needs, paths escaped and absolute', () => {
    const xml = renderLaunchAgentPlist(spec)
    expect(xml).toContain('keyroom &amp; co')
    expect(parsePlist(xml)).toEqual({
      Label: 'dev.keyroom.receiver',
      ProgramArguments: spec.programArguments,
      WorkingDirectory: spec.workingDirectory,
      EnvironmentVariables: { KEYROOM_CONFIG_DIR: '/Users/ann/Library/Application Support/keyroom' },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 10,
      LimitLoadToSessionType: 'Aqua',
      ProcessType: 'Interactive',
      StandardOutPath: spec.stdoutPath,
      StandardErrorPath: spec.stderrPath,
    })
  })

  it('the test parser refuses a malformed plist', () => {
    const xml = renderLaunchAgentPlist(spec)
    expect(() => parsePlist(xml.replace('</array>', ''))).toThrow()
    expect(() => parsePlist(xml.replace('<true/>', '<yes/>'))).toThrow()
    expect(() => parsePlist(xml.replace('<integer>10</integer>', '<integer>ten</integer>'))).toThrow()
  })

  it('refuses relative paths, which launchd would not expand', () => {
    expect(() => renderLaunchAgentPlist({ ...spec, stdoutPath: '~/Library/Logs/x.log' })).toThrow(/absolute/)
    expect(() => renderLaunchAgentPlist({ ...spec, programArguments: ['node', 'dist/main.js'] })).toThrow(
      /absolute/,
    )
  })
})

describe('LaunchAgent install, status, uninstall', () => {
  async function home() {
    const dir = tempDir('keyroom-home-')
    return dir
  }
  const install = { programArguments: spec.programArguments, workingDirectory: spec.workingDirectory }

  it('writes the plist into ~/Library/LaunchAgents and bootstraps it into the GUI domain', async () => {
    const dir = await home()
    const launchctl = fakeLaunchctl()
    const agent = createLaunchAgent({ run: launchctl.run, uid: 501, home: dir })
    const result = await agent.install(agent.render(install))
    expect(result.ok).toBe(true)
    const plist = join(dir, 'Library', 'LaunchAgents', 'dev.keyroom.receiver.plist')
    expect(parsePlist(await readFile(plist, 'utf8'))).toMatchObject({
      StandardOutPath: join(dir, 'Library', 'Logs', 'keyroom', 'receiver.log'),
      StandardErrorPath: join(dir, 'Library', 'Logs', 'keyroom', 'receiver.err.log'),
    })
    expect((await stat(join(dir, 'Library', 'Logs', 'keyroom'))).isDirectory()).toBe(true)
    expect(launchctl.calls).toEqual([
      ['launchctl', 'bootout', 'gui/501/dev.keyroom.receiver'],
      ['launchctl', 'bootstrap', 'gui/501', plist],
    ])
    expect(await agent.status()).toMatchObject({ installed: true, running: true, file: plist })
  })

  it('reports a failed bootstrap instead of claiming success', async () => {
    const agent = createLaunchAgent({
      run: fakeLaunchctl({ bootstrap: 5 }).run,
      uid: 501,
      home: await home(),
    })
    expect(await agent.install(agent.render(install))).toMatchObject({
      ok: false,
      error: { code: 'service-failed', message: expect.stringContaining('bootstrap failed') },
    })
  })

  it('uninstall boots it out and removes the plist; status then says not installed', async () => {
    const dir = await home()
    const launchctl = fakeLaunchctl()
    const agent = createLaunchAgent({ run: launchctl.run, uid: 501, home: dir })
    await agent.install(agent.render(install))
    expect(await agent.uninstall()).toMatchObject({ ok: true, value: expect.stringContaining('removed') })
    expect(launchctl.calls.at(-1)).toEqual(['launchctl', 'bootout', 'gui/501/dev.keyroom.receiver'])
    const gone = createLaunchAgent({
      run: fakeLaunchctl({ print: 113, bootout: 3 }).run,
      uid: 501,
      home: dir,
    })
    expect(await gone.status()).toMatchObject({ installed: false, running: false })
    expect(await gone.uninstall()).toEqual({ ok: true, value: 'dev.keyroom.receiver was not installed' })
  })
})
