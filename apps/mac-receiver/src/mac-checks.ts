import type { CommandRunner } from '@keyroom/device-kit'

export type AccessibilityStatus = 'authorized' | 'denied' | 'restricted' | 'not determined' | 'unknown'

/** Loads `@nut-tree-fork/node-mac-permissions` (an optional, macOS-only dependency). */
export type PermissionsLoader = () => Promise<{ getAuthStatus(type: string): string }>

const PERMISSIONS_PACKAGE = '@nut-tree-fork/node-mac-permissions'
// A variable specifier: the package exists only on macOS, so neither TypeScript nor a bundler should resolve it.
export const loadMacPermissions: PermissionsLoader = async () => {
  const module = (await import(PERMISSIONS_PACKAGE)) as { default?: unknown; getAuthStatus?: unknown }
  return (module.getAuthStatus ? module : module.default) as { getAuthStatus(type: string): string }
}

/** Whether macOS lets this process (the node binary) post key events. Without it, keys are dropped silently. */
export async function checkAccessibility(
  load: PermissionsLoader = loadMacPermissions,
): Promise<AccessibilityStatus> {
  try {
    const status = (await load()).getAuthStatus('accessibility')
    return ['authorized', 'denied', 'restricted', 'not determined'].includes(status)
      ? (status as AccessibilityStatus)
      : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** The pid of the process holding Secure Input (a password field, Secure Keyboard Entry), if any. */
export async function detectSecureInput(run: CommandRunner): Promise<number | undefined> {
  const result = await run('ioreg', ['-l', '-w', '0'])
  if (result.code !== 0) return undefined
  const match = /"kCGSSessionSecureInputPID"\s*=\s*(\d+)/.exec(result.stdout)
  return match?.[1] ? Number(match[1]) : undefined
}

export interface BlockedCheckOptions {
  platform: string
  run: CommandRunner
  loadPermissions?: PermissionsLoader
  /** The binary the permission belongs to. @default process.execPath */
  execPath?: string
}

/** Why key injection cannot work right now, in words for the user and the keypad; undefined when it can. */
export async function checkInjectionBlocked(options: BlockedCheckOptions): Promise<string | undefined> {
  if (options.platform !== 'darwin') return undefined
  const status = await checkAccessibility(options.loadPermissions)
  if (status !== 'authorized') {
    const binary = options.execPath ?? process.execPath
    return `Accessibility permission ${status === 'unknown' ? 'unknown' : status}: allow ${binary} in System Settings > Privacy & Security > Accessibility`
  }
  const pid = await detectSecureInput(options.run)
  if (pid !== undefined) {
    return `Secure Input is on (pid ${pid}): a password field or Secure Keyboard Entry blocks typed keys`
  }
  return undefined
}
