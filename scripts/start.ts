// `pnpm start`: the product on one laptop. Builds the keypad, starts the relay serving it on one origin, starts a
// receiver paired to a room, and prints the pairing link and its QR code. Ctrl+C stops everything.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, networkInterfaces } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRoom, formatPairingLink, parsePairingLink, renderQrTerminal } from '@keyroom/room-client'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const port = Number(process.env.PORT ?? 7300)
const host = process.env.HOST ?? '127.0.0.1'
// The log driver prints what it would type: typing into the laptop you pair from is rarely what a first run wants.
const driver = process.env.KEYROOM_DRIVER ?? 'log'
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === 'IPv4' && !a.internal)?.address
const publicHost = host === '0.0.0.0' && lanAddress ? lanAddress : '127.0.0.1'
const publicUrl = `http://${publicHost}:${port}`
const fromSource = ['--conditions=@keyroom/source', '--import', 'tsx']
const children: ChildProcess[] = []

let stopping = false
/** Sends SIGTERM to the receiver (it releases held keys on its own) and the relay; waits up to 5 s for both. */
function stopAll(code: number): void {
  if (stopping) return
  stopping = true
  const running = children.reverse().filter((child) => child.exitCode === null && child.signalCode === null)
  const exits = running.map((child) => new Promise((resolve) => child.once('exit', resolve)))
  for (const child of running) child.kill('SIGTERM')
  const deadline = new Promise((resolve) => setTimeout(resolve, 5_000).unref())
  void Promise.race([Promise.all(exits), deadline]).then(() => process.exit(code))
}
process.on('SIGINT', () => stopAll(0))
process.on('SIGTERM', () => stopAll(0))

function start(name: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [...fromSource, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  child.on('exit', (code, signal) => {
    if (stopping) return
    console.error(`${name} exited (${signal ?? code}); stopping`)
    stopAll(code ?? 1)
  })
  children.push(child)
  return child
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the relay did not answer on ${url}/healthz within ${timeoutMs} ms`)
}

/** One room per relay URL, kept across runs so a phone paired once stays paired. */
function roomLink(): string {
  const file = join(process.env.KEYROOM_START_DIR ?? join(root, '.keyroom'), 'start-link.txt')
  try {
    const stored = readFileSync(file, 'utf8').trim()
    const parsed = parsePairingLink(stored)
    if (parsed.ok && parsed.value.relay === publicUrl) return stored
  } catch {
    // first run
  }
  const link = formatPairingLink(createRoom(publicUrl))
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${link}\n`, { mode: 0o600 })
  return link
}

console.error('building the keypad…')
const vite = join(root, 'apps/keypad/node_modules/vite/bin/vite.js')
const build = spawnSync(process.execPath, [vite, 'build'], {
  cwd: join(root, 'apps/keypad'),
  stdio: 'inherit',
})
if (build.status !== 0) process.exit(build.status ?? 1)

start('relay', ['apps/relay/src/main.ts'], {
  PORT: String(port),
  HOST: host,
  KEYPAD_DIR: join(root, 'apps/keypad/dist'),
  // The receiver's lines are what a first run is about; the relay speaks up only about problems.
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  ...(publicHost !== '127.0.0.1' && { ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? publicUrl }),
})
await waitForHealth(`http://127.0.0.1:${port}`, 20_000)
const link = roomLink()
// The link goes by environment, not argv: it holds the room key, and argv is visible to every local user.
start('receiver', ['apps/mac-receiver/src/main.ts', 'run', '--driver', driver, '--name', hostname()], {
  KEYROOM_LINK: link,
})

console.log(await renderQrTerminal(link))
console.log(`keyroom is running: relay and keypad on ${publicUrl}, a receiver with the ${driver} driver.`)
if (publicHost === '127.0.0.1') console.log('For a phone on your Wi-Fi: HOST=0.0.0.0 pnpm start')
console.log('Open the pairing link on your phone (or scan the QR code):')
console.log(link)
