import { chmod, rename, writeFile } from 'node:fs/promises'
import type { ProtocolError, Result } from '@keyroom/key-events'

/** A service step that failed (a launchctl or systemctl call): exit code 1. */
export type ServiceError = ProtocolError<'service-failed'>

export interface ServiceStatus {
  /** The definition file is in place. */
  installed: boolean
  /** The service manager has it loaded / active. */
  running: boolean
  /** The plist or unit file. */
  file: string
  /** What the service manager said. */
  detail: string
}

/**
 * One interface over launchd (a per-user LaunchAgent, `launchd.ts`) and systemd (a system or `--user` unit,
 * `systemd.ts`). The app renders the definition (a plist, a unit); the manager writes it, loads and starts it,
 * removes it and reports on it.
 */
export interface ServiceManager {
  /** Where the definition goes. */
  readonly file: string
  /** Writes `definition`, (re)loads and starts the service; says what it did. */
  install(definition: string): Promise<Result<string, ServiceError>>
  /** Stops it and removes the definition; not installed is not an error. */
  uninstall(): Promise<Result<string, ServiceError>>
  status(): Promise<ServiceStatus>
}

/** Writes a file whole or not at all, with `mode` set before it appears under its name. */
export async function writeFileAtomic(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, text, { mode })
  await chmod(temp, mode)
  await rename(temp, file)
}
