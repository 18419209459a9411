import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fail, ok } from '@keyroom/key-events'
import type { CommandRunner } from './run-command.js'
import { type ServiceManager, writeFileAtomic } from './service-manager.js'

/** Quotes one ExecStart word for systemd: `%` is a specifier, spaces and quotes need double quotes. */
export function quoteArg(arg: string): string {
  const escaped = arg.replaceAll('%', '%%')
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

export interface SystemdOptions {
  run: CommandRunner
  /** `keyroom-pi.service`. */
  unitName: string
  /** `system`: a root unit in /etc/systemd/system; `user`: `systemctl --user`, in ~/.config/systemd/user. */
  scope: 'system' | 'user'
  /** Where the unit file goes. */
  unitDir: string
}

/** Where a unit goes by default: the system folder, or the user's (`$XDG_CONFIG_HOME/systemd/user`). */
export function defaultUnitDir(
  scope: 'system' | 'user',
  home: string,
  env: Record<string, string | undefined> = {},
) {
  if (scope === 'system') return '/etc/systemd/system'
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user')
}

/** Installs, removes and inspects a systemd unit with `systemctl [--user] daemon-reload / enable --now / …`. */
export function createSystemdService(options: SystemdOptions): ServiceManager {
  const { run, unitName } = options
  const file = join(options.unitDir, unitName)
  const systemctl = (...args: string[]) =>
    run('systemctl', options.scope === 'user' ? ['--user', ...args] : args)
  const must = async (...args: string[]) => {
    const result = await systemctl(...args)
    if (result.code === 0) return undefined
    const words = ['systemctl', ...(options.scope === 'user' ? ['--user'] : []), ...args].join(' ')
    return fail('service-failed', `${words} failed (${result.code}): ${result.stderr.trim()}`)
  }
  const journal =
    options.scope === 'user' ? `journalctl --user -u ${unitName} -f` : `journalctl -u ${unitName} -f`

  return {
    file,
    async install(unit) {
      await mkdir(options.unitDir, { recursive: true })
      await writeFileAtomic(file, unit, 0o644)
      const failed = (await must('daemon-reload')) ?? (await must('enable', '--now', unitName))
      if (failed) return failed
      return ok(`wrote ${file}; enabled and started ${unitName}: follow it with ${journal}`)
    },
    async uninstall() {
      const existed = await exists(file)
      if (!existed) return ok(`${unitName} was not installed`)
      // Stopping a unit that is not running is fine; only the file and the reload must work.
      await systemctl('disable', '--now', unitName)
      await rm(file, { force: true })
      const failed = await must('daemon-reload')
      if (failed) return failed
      return ok(`stopped ${unitName} and removed ${file}`)
    },
    async status() {
      const active = await systemctl('is-active', unitName)
      const enabled = await systemctl('is-enabled', unitName)
      return {
        installed: await exists(file),
        running: active.code === 0,
        file,
        detail: `${active.stdout.trim() || 'inactive'}, ${enabled.stdout.trim() || 'not enabled'}`,
      }
    },
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )
