import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fail, ok } from '@keyroom/key-events'
import type { CommandRunner } from './run-command.js'
import type { ServiceManager } from './service-manager.js'

/** The LaunchAgent's label and file name. */
export const LAUNCH_AGENT_LABEL = 'dev.keyroom.receiver'

export interface LaunchAgentSpec {
  label: string
  /** Absolute node binary first, then the absolute path of dist/main.js, then its arguments. */
  programArguments: string[]
  /** Absolute paths: launchd does not expand `~`. */
  stdoutPath: string
  stderrPath: string
  workingDirectory: string
  environment?: Record<string, string>
  /** Seconds launchd waits before starting it again after an exit. @default 10 */
  throttleIntervalS?: number
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const str = (text: string) => `<string>${escapeXml(text)}</string>`

/**
 * A per-user LaunchAgent (not a LaunchDaemon: injecting keys needs the GUI session): starts at login, restarts after
 * a crash (not after a clean exit), only in the Aqua session, with interactive priority.
 */
export function renderLaunchAgentPlist(spec: LaunchAgentSpec): string {
  for (const path of [
    spec.programArguments[0] ?? '',
    spec.stdoutPath,
    spec.stderrPath,
    spec.workingDirectory,
  ]) {
    if (!path.startsWith('/')) throw new TypeError(`launchd needs absolute paths, got "${path}"`)
  }
  const env = Object.entries(spec.environment ?? {})
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${str(spec.label)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...spec.programArguments.map((arg) => `    ${str(arg)}`),
    '  </array>',
    `  <key>WorkingDirectory</key>${str(spec.workingDirectory)}`,
    ...(env.length > 0
      ? [
          '  <key>EnvironmentVariables</key>',
          '  <dict>',
          ...env.map(([name, value]) => `    <key>${escapeXml(name)}</key>${str(value)}`),
          '  </dict>',
        ]
      : []),
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key><false/>',
    '  </dict>',
    `  <key>ThrottleInterval</key><integer>${Math.max(1, Math.round(spec.throttleIntervalS ?? 10))}</integer>`,
    `  <key>LimitLoadToSessionType</key>${str('Aqua')}`,
    `  <key>ProcessType</key>${str('Interactive')}`,
    `  <key>StandardOutPath</key>${str(spec.stdoutPath)}`,
    `  <key>StandardErrorPath</key>${str(spec.stderrPath)}`,
    '</dict>',
    '</plist>',
    '',
  ]
  return lines.join('\n')
}

/** Where the plist and the logs go for a user. */
export function launchAgentPaths(home: string, label = LAUNCH_AGENT_LABEL) {
  const logDir = join(home, 'Library', 'Logs', 'keyroom')
  return {
    plist: join(home, 'Library', 'LaunchAgents', `${label}.plist`),
    logDir,
    stdoutPath: join(logDir, 'receiver.log'),
    stderrPath: join(logDir, 'receiver.err.log'),
  }
}

export interface LaunchAgentOptions {
  /** Runs `launchctl`; a fake in tests. */
  run: CommandRunner
  uid: number
  home: string
  label?: string
}

export type LaunchAgentDefinition = Omit<LaunchAgentSpec, 'label' | 'stdoutPath' | 'stderrPath'>

/** Installs, removes and inspects a LaunchAgent with `launchctl bootstrap/bootout/print gui/<uid>`. */
export function createLaunchAgent(options: LaunchAgentOptions): ServiceManager & {
  paths: ReturnType<typeof launchAgentPaths>
  /** The plist for this agent: its label and log paths filled in. */
  render(definition: LaunchAgentDefinition): string
} {
  const label = options.label ?? LAUNCH_AGENT_LABEL
  const paths = launchAgentPaths(options.home, label)
  const domain = `gui/${options.uid}`
  const service = `${domain}/${label}`
  const launchctl = (...args: string[]) => options.run('launchctl', args)

  return {
    paths,
    file: paths.plist,
    render: (definition) =>
      renderLaunchAgentPlist({
        ...definition,
        label,
        stdoutPath: paths.stdoutPath,
        stderrPath: paths.stderrPath,
      }),
    async install(plist) {
      await mkdir(join(options.home, 'Library', 'LaunchAgents'), { recursive: true })
      await mkdir(paths.logDir, { recursive: true })
      await writeFile(paths.plist, plist, { mode: 0o644 })
      // Replace a loaded older version; failing here only means it was not loaded.
      await launchctl('bootout', service)
      const loaded = await launchctl('bootstrap', domain, paths.plist)
      if (loaded.code !== 0) {
        return fail(
          'service-failed',
          `wrote ${paths.plist} but launchctl bootstrap failed (${loaded.code}): ${loaded.stderr.trim()}`,
        )
      }
      return ok(`installed and started ${label} (${paths.plist}); logs in ${paths.logDir}`)
    },
    async uninstall() {
      const unloaded = await launchctl('bootout', service)
      const existed = await exists(paths.plist)
      await rm(paths.plist, { force: true })
      if (!existed && unloaded.code !== 0) return ok(`${label} was not installed`)
      return ok(`stopped ${label} and removed ${paths.plist}`)
    },
    async status() {
      const printed = await launchctl('print', service)
      return {
        installed: await exists(paths.plist),
        running: printed.code === 0,
        file: paths.plist,
        detail: (printed.code === 0 ? printed.stdout : printed.stderr).trim(),
      }
    },
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )
