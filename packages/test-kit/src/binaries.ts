import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

const find = (binary: string) =>
  (process.env.PATH ?? '').split(delimiter).find((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK)
      return true
    } catch {
      return false
    }
  })

/** Fails loudly (never skips) when a program a test needs is missing, saying what to install. */
export function requireBinaries(binaries: readonly string[], install: string): void {
  const missing = binaries.filter((binary) => find(binary) === undefined)
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not on PATH: ${install}`)
}

/** The absolute path of `binary` on PATH, or an error that says what to install. */
export function requireBinary(binary: string, install = `install ${binary}`): string {
  requireBinaries([binary], install)
  return join(find(binary) ?? '', binary)
}
