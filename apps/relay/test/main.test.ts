import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { NODE_FROM_SOURCE, spawnProcess, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { client, expectRelayServes, relay } from './helpers.js'

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const nodeArgs = [...NODE_FROM_SOURCE, main]

function startMain(env: Record<string, string>) {
  const relay = spawnProcess(process.execPath, nodeArgs, { env: { LOG_LEVEL: 'info', ...env } })
  return { child: relay.child, exited: relay.exited, output: relay.stdout }
}

describe('keyroom-relay (main.ts)', () => {
  it('PORT=0 picks a free port, prints it, serves, and exits 0 on SIGTERM', async () => {
    const relayProcess = startMain({ PORT: '0' })
    const port = await vi.waitFor(
      () => {
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+) \(port \d+\)/.exec(relayProcess.output())
        if (!match?.[1]) throw new Error(`no port printed yet: ${relayProcess.output()}`)
        return Number(match[1])
      },
      { timeout: 15_000 },
    )
    expect(port).toBeGreaterThan(0)
    await expectRelayServes(`http://127.0.0.1:${port}`)
    relayProcess.child.kill('SIGTERM')
    expect(await relayProcess.exited).toBe(0)
    expect(relayProcess.output()).toContain('"msg":"shutting down"')
  })

  it('refuses a bad configuration with every reason and exit code 2', async () => {
    const result = await promisify(execFile)(process.execPath, nodeArgs, {
      env: { ...process.env, PORT: 'eighty', EVENTS_PER_SECOND: '-1' },
    }).catch((error: { code: number; stderr: string }) => error)
    expect('code' in result && result.code).toBe(2)
    expect(result.stderr).toContain('PORT must be a whole number from 0 to 65535, got "eighty"')
    expect(result.stderr).toContain('EVENTS_PER_SECOND must be a whole number')
  })

  it('--help lists the settings', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, '--help'])
    expect(stdout).toContain('ALLOWED_ORIGINS')
    expect(stdout).toContain('MAX_PAYLOAD_BYTES')
  })
})

describe('serving the keypad', () => {
  function keypadDir() {
    const dir = tempDir('keypad-')
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>keypad</title>')
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dir, 'healthz'), 'a keypad file must not shadow the health check')
    return dir
  }

  it('serves files and falls back to index.html, never shadowing /healthz or /socket.io', async () => {
    const { url } = await relay({ staticDir: keypadDir() })
    const index = await fetch(`${url}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('referrer-policy')).toBe('no-referrer')
    // Only the relay's own scripts run in the keypad, and it connects only back here (KEYPAD_CSP).
    expect(index.headers.get('content-security-policy')).toMatch(/script-src 'self'.*connect-src 'self'/)
    expect(index.headers.get('x-frame-options')).toBe('DENY')
    expect(await index.text()).toContain('<title>keypad</title>')
    expect(await (await fetch(`${url}/assets/app.js`)).text()).toBe('console.log(1)')
    expect(await (await fetch(`${url}/pair/anything`)).text()).toContain('<title>keypad</title>')
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' })
    expect((await client(url, { origin: url })).connected).toBe(true)
  })

  it('answers 404 without a keypad directory', async () => {
    const { url } = await relay()
    expect((await fetch(`${url}/`)).status).toBe(404)
  })
})
