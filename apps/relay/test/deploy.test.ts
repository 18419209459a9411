import { execFile } from 'node:child_process'
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startRelayProcess } from '@keyroom/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { DEFAULT_CONFIG, ENV_VARS } from '../src/config.js'
import { expectRelayServes } from './helpers.js'

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const dockerfile = readFileSync(join(repo, 'docker/relay.Dockerfile'), 'utf8')
const compose = parseYaml(readFileSync(join(repo, 'docker/compose.yaml'), 'utf8')) as {
  services: Record<
    string,
    {
      build?: { context: string; dockerfile: string }
      environment?: Record<string, string>
      expose?: string[]
      image?: string
      volumes?: string[]
      ports?: string[]
    }
  >
}

interface Instruction {
  instruction: string
  args: string
}

/** Dockerfile instructions by stage, continuation lines joined, comments dropped. */
function stages(): Instruction[][] {
  const lines = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
  const result: Instruction[][] = []
  for (const line of lines) {
    const [word = '', ...rest] = line.split(/\s+/)
    const instruction = word.toUpperCase()
    if (instruction === 'FROM') result.push([])
    result.at(-1)?.push({ instruction, args: rest.join(' ') })
  }
  return result
}
const finalStage = () => stages().at(-1) ?? []
const argsOf = (instruction: string) =>
  finalStage()
    .filter((i) => i.instruction === instruction)
    .map((i) => i.args)
const knownVariables = new Set(ENV_VARS.map((v) => v.name))

describe('docker/relay.Dockerfile and compose.yaml agree with the code', () => {
  it('exposes the default port, sets only settings the relay reads, and checks /healthz', () => {
    expect(argsOf('EXPOSE')).toEqual([String(DEFAULT_CONFIG.port)])
    const env = Object.fromEntries(
      (argsOf('ENV')[0] ?? '').split(/\s+/).map((pair) => pair.split('=') as [string, string]),
    )
    expect(env).toMatchObject({
      PORT: String(DEFAULT_CONFIG.port),
      HOST: '0.0.0.0',
      KEYPAD_DIR: '/app/keypad',
    })
    for (const name of Object.keys(env)) expect(name === 'NODE_ENV' || knownVariables.has(name)).toBe(true)
    expect(argsOf('HEALTHCHECK')[0]).toContain('/healthz')
    expect(argsOf('USER')).toEqual(['node'])
    expect(argsOf('ENTRYPOINT')).toEqual(['["node", "dist/main.js"]'])
  })

  it('documents every setting, and copies only paths that exist', () => {
    for (const name of knownVariables) expect(dockerfile).toContain(name)
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
      const sources = (match[1] ?? '').split(/\s+/).slice(0, -1)
      for (const source of sources) expect(existsSync(join(repo, source)), source).toBe(true)
    }
    expect(dockerfile).toContain('docker/build-relay-tree.sh /out')
  })

  it('compose runs two relays on Redis behind a balancer that routes to their port', () => {
    const { services } = compose
    const relays = Object.entries(services).filter(
      ([, s]) => s.build?.dockerfile === 'docker/relay.Dockerfile',
    )
    expect(relays.map(([name]) => name)).toEqual(['relay-1', 'relay-2'])
    for (const [, relay] of relays) {
      expect(relay.environment?.REDIS_URL).toBe('redis://redis:6379')
      for (const name of Object.keys(relay.environment ?? {})) expect(knownVariables.has(name)).toBe(true)
      expect(relay.expose).toEqual([String(DEFAULT_CONFIG.port)])
    }
    expect(services.redis?.image).toMatch(/^redis:7/)
    const nginx = readFileSync(join(repo, 'docker/nginx.conf'), 'utf8')
    for (const [name] of relays) expect(nginx).toContain(`server ${name}:${DEFAULT_CONFIG.port};`)
    expect(services.balancer?.volumes?.[0]).toMatch(/^\.\/nginx\.conf:/)
  })
})

// The names .dockerignore keeps out of the build context (its "any depth" lines and plain names).
const dockerignored = new Set(
  readFileSync(join(repo, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/^\*\*\//, ''))
    .filter(Boolean),
)

/**
 * Replays the Dockerfile's build stage without Docker: a context holding only what its COPY lines copy (minus
 * `.dockerignore`), then its RUN lines there, with the tree written to `out` instead of `/out`.
 */
async function replayBuildStage(out: string): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'keyroom-docker-context-'))
  const [build = []] = stages()
  const pnpmVersion = (
    JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { packageManager: string }
  ).packageManager
  for (const { instruction, args } of build) {
    if (instruction === 'COPY') {
      const parts = args.split(/\s+/)
      const destination = parts.pop() ?? ''
      for (const source of parts) {
        const target = destination.endsWith('/')
          ? join(context, destination, basename(source))
          : join(context, destination)
        cpSync(join(repo, source), target, {
          recursive: true,
          filter: (path) => !dockerignored.has(basename(path)),
        })
      }
    } else if (instruction === 'RUN') {
      // pnpm itself comes from npm in the image; here it is the pnpm running this test. Same version either way.
      if (args.startsWith('npm install -g pnpm@')) {
        expect(`pnpm@${args.split('pnpm@')[1]}`).toBe(pnpmVersion)
        continue
      }
      const command = args.endsWith(' /out') ? `${args.slice(0, -' /out'.length)} ${out}` : args
      await promisify(execFile)('sh', ['-c', command], {
        cwd: context,
        timeout: 180_000,
      })
    }
  }
}

describe('the production tree the image is made of', () => {
  let tree = ''
  beforeAll(async () => {
    tree = join(mkdtempSync(join(tmpdir(), 'keyroom-relay-tree-')), 'app')
    await replayBuildStage(tree)
  }, 240_000)

  it('holds no dev dependencies and no link out of itself', () => {
    const modules = readdirSync(join(tree, 'node_modules'))
    expect(modules).toEqual(expect.arrayContaining(['socket.io', 'pino', 'sirv', '@keyroom']))
    for (const dev of ['vitest', 'typescript', 'socket.io-client', 'ws', 'tsx'])
      expect(modules).not.toContain(dev)
    const root = realpathSync(tree)
    const visit = (dir: string, depth: number) => {
      if (depth > 6) return
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry)
        if (lstatSync(path).isSymbolicLink()) expect(realpathSync(path).startsWith(root), path).toBe(true)
        else if (lstatSync(path).isDirectory()) visit(path, depth + 1)
      }
    }
    visit(join(tree, 'node_modules'), 0)
  })

  it('starts on its own, outside the workspace, serving the keypad, health and broadcasts', async () => {
    const relay = await startRelayProcess(
      { PORT: '0', HOST: '127.0.0.1', KEYPAD_DIR: join(tree, 'keypad'), NODE_ENV: 'production' },
      { entry: join(tree, 'dist/main.js'), cwd: tree },
    )
    expect(await (await fetch(`${relay.url}/healthz`)).json()).toMatchObject({ status: 'ok', redis: 'off' })
    const index = await (await fetch(`${relay.url}/`)).text()
    expect(index).toContain('<div id="root">')
    expect(await expectRelayServes(relay.url)).toEqual({ check: expect.any(String) })
  })
})
