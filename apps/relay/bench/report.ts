import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/** What the numbers were measured on; the bench's load is printed beside them. */
export function machine() {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    totalMemoryBytes: os.totalmem(),
    /** 1, 5 and 15 minute load averages when the bench started: above `cores` means others were busy too. */
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    versions: {
      'socket.io': versionOf('socket.io'),
      'socket.io-client': versionOf('socket.io-client'),
      ws: versionOf('ws'),
    },
  }
}

/** Fixed-point with `digits` decimals; '-' for a missing number. */
export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-'
}

export const times = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-')

/** Left-aligned first column, right-aligned numbers, a rule under the header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]?.length ?? 0)))
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function writeJson(path: string | URL, value: unknown): void {
  mkdirSync(dirname(path instanceof URL ? fileURLToPath(path) : path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
}
