/**
 * `pnpm bench`: runs run-runtime.ts (keyroom's relay beside plain Socket.IO and raw ws, interleaved) once on each
 * Node in BENCH_NODES, then prints the goal ratios of every runtime side by side and writes one JSON with all of
 * them. See README.md for what is measured and how to read it.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_FROM_SOURCE } from '@keyroom/test-kit/from-source'
import { removeTranspiledRelay, transpileRelay } from './build-relay.js'
import { BENCH, BENCH_PARTS } from './config.js'
import { writeJson } from './report.js'
import { type Runtime, resolveRuntime } from './runtimes.js'
import { goalTable, type RuntimeResult } from './summary.js'

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
const RUN_FILE = fileURLToPath(new URL('run-runtime.ts', import.meta.url))
/** A runtime's run ends itself at BENCH.deadlineMs; this catches one that cannot. */
const KILL_AFTER_MS = BENCH.deadlineMs + 30_000

const log = (line = '') => process.stdout.write(`${line}\n`)

function runOn(runtime: Runtime, relayEntry: string, resultFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.execPath, [...NODE_FROM_SOURCE, RUN_FILE], {
      cwd: PACKAGE_DIR,
      stdio: 'inherit',
      env: { ...process.env, BENCH_RELAY_ENTRY: relayEntry, BENCH_RESULT_FILE: resultFile },
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else reject(new Error(`the run on Node ${runtime.version} ended with ${signal ?? `exit code ${code}`}`))
    })
  })
}

async function main() {
  const startedAt = new Date()
  const runtimes = BENCH.nodes.map(resolveRuntime)
  const scratch = mkdtempSync(join(tmpdir(), 'keyroom-bench-'))
  // Ours as production runs it: under tsx, keepNames would add heap per connection (see build-relay.ts).
  const relayEntry = transpileRelay().href
  const runs: RuntimeResult[] = []
  try {
    for (const runtime of runtimes) {
      log(`\n=== Node ${runtime.version} (${runtime.execPath})`)
      const file = join(scratch, `${runtime.name}.json`)
      await runOn(runtime, relayEntry, file)
      runs.push(JSON.parse(readFileSync(file, 'utf8')) as RuntimeResult)
    }
  } finally {
    removeTranspiledRelay()
    rmSync(scratch, { recursive: true, force: true })
  }

  log('\nGoals, ours / plain Socket.IO (medians of per-round ratios; see README.md):')
  log(goalTable(runs))
  const date = startedAt.toISOString().slice(0, 10)
  // A run of some parts only is named so, and never takes the place of a whole run's file.
  const partial = BENCH.parts.length < BENCH_PARTS.length ? `-${BENCH.parts.join('-')}` : ''
  const out = new URL(`results/${process.env.BENCH_OUT ?? `${date}${partial}.json`}`, import.meta.url)
  writeJson(out, { date: startedAt.toISOString(), runs })
  log(`\nresults in ${fileURLToPath(out)}`)
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    log(`bench failed: ${error.message}`)
    process.exit(1)
  },
)
