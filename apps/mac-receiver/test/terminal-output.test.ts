// What a person sees running the receiver in a terminal, and what a script or service log gets when it is not one.
import type { DeviceLink } from '@keyroom/room-client'
import {
  NODE_FROM_SOURCE,
  pairDeviceDir,
  requireBinary,
  spawnProcess,
  startTestRelay,
  WORKSPACE_ROOT,
} from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { approvedKeypad, spawnReceiver } from './helpers.js'

const receiverCommand = (...flags: string[]) =>
  [
    process.execPath,
    ...NODE_FROM_SOURCE,
    'apps/mac-receiver/src/main.ts',
    'run',
    '--driver',
    'log',
    '--name',
    'desk',
    ...flags,
  ].join(' ')

/** The receiver on a real terminal: util-linux `script` gives it a pseudo-terminal for stdout and stderr. */
function receiverOnTerminal(configDir: string, ...flags: string[]) {
  const terminal = spawnProcess(requireBinary('script'), ['-qfec', receiverCommand(...flags), '/dev/null'], {
    cwd: WORKSPACE_ROOT,
    env: { KEYROOM_CONFIG_DIR: configDir, LOG_LEVEL: 'info' },
  })
  // Ctrl+C on that terminal, as a person stops it: killing `script` alone would orphan the receiver.
  onTestFinished(async () => {
    terminal.child.stdin.write('\x03')
    await terminal.exited
  })
  return terminal
}

async function phoneTypesHello(link: DeviceLink) {
  const phone = await approvedKeypad(link, 'desk')
  expect(await phone.send({ type: 'text', text: 'hello' })).toEqual({ ok: true })
}

describe('the receiver on a terminal', () => {
  it('speaks in lines: keypad joined, typed 5 characters, no JSON', async () => {
    const { url } = await startTestRelay()
    const room = pairDeviceDir(url, { name: 'desk' })
    const receiver = receiverOnTerminal(room.configDir)
    await vi.waitFor(() => expect(receiver.stdout()).toMatch(/\d\d:\d\d:\d\d room connected/), {
      timeout: 15_000,
    })
    await phoneTypesHello(room.link)
    await vi.waitFor(() => expect(receiver.stdout()).toContain('typed 5 characters'), { timeout: 10_000 })
    expect(receiver.stdout()).toMatch(/\d\d:\d\d:\d\d keypad joined \(peer=phone\)/)
    expect(receiver.stdout()).not.toContain('{"')
    expect(receiver.stdout()).not.toContain('hello')
  }, 30_000)

  it('gives JSON lines on a terminal with --json', async () => {
    const { url } = await startTestRelay()
    const room = pairDeviceDir(url, { name: 'desk' })
    const receiver = receiverOnTerminal(room.configDir, '--json')
    await vi.waitFor(() => expect(receiver.stdout()).toContain('"msg":"room connected"'), { timeout: 15_000 })
    await phoneTypesHello(room.link)
    await vi.waitFor(() => expect(receiver.stdout()).toContain('{"action":"type","text":"hello"}'), {
      timeout: 10_000,
    })
    expect(receiver.stdout()).toContain('"msg":"keypad joined"')
  }, 30_000)

  it('gives JSON lines when its output is not a terminal, and says "keypad joined" there too', async () => {
    const { url } = await startTestRelay()
    const room = pairDeviceDir(url, { name: 'desk' })
    const receiver = await spawnReceiver({ configDir: room.configDir, driver: 'log', name: 'desk' })
    await vi.waitFor(
      () => expect(receiver.logs).toContainEqual(expect.objectContaining({ msg: 'room connected' })),
      {
        timeout: 15_000,
      },
    )
    await phoneTypesHello(room.link)
    await vi.waitFor(() => expect(receiver.lines).toContainEqual({ action: 'type', text: 'hello' }), {
      timeout: 10_000,
    })
    expect(receiver.logs).toContainEqual(expect.objectContaining({ msg: 'keypad joined', peer: 'phone' }))
    expect(receiver.logs.filter((line) => 'raw' in line)).toEqual([])
  }, 30_000)
})
