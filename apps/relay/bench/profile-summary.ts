/**
 * `node --import tsx bench/profile-summary.ts <dir>`: where each server's CPU went, from the V8 CPU profiles a run
 * with BENCH_CPU_PROF=<dir> left behind (one per server process). Self time is grouped by the package a function
 * lives in (socket.io, engine.io, ws, ours, Node's own JavaScript), with the native and GC parts V8 reports apart.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** The package a script belongs to: the last `node_modules/<name>` in its path, or what else it is. */
function owner(node: ProfileNode): string {
  const { url, functionName } = node.callFrame
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url)
  if (match?.[1]) return match[1]
  if (url.startsWith('node:')) return 'node (JavaScript)'
  if (url.includes('/bench/.build/')) return 'ours (src)'
  if (url.includes('/packages/key-events/')) return '@keyroom/key-events'
  if (url.includes('/bench/')) return 'bench server code'
  return url
}

const dir = process.argv[2]
if (!dir) throw new Error('usage: profile-summary.ts <dir of .cpuprofile files>')
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)
    const micros = profile.timeDeltas[i] ?? 0
    if (!node || node.callFrame.functionName === '(idle)') return
    const key = owner(node)
    totals.set(key, (totals.get(key) ?? 0) + micros)
    all += micros
  })
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 12)
  process.stdout.write(`${file}: ${(all / 1e6).toFixed(2)} s busy\n`)
  for (const [key, micros] of rows) {
    process.stdout.write(`  ${((micros / all) * 100).toFixed(1).padStart(5)}%  ${key}\n`)
  }
}
