import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { NODE_FROM_SOURCE, parseJsonLine, startTestRelay, tempDir } from '@keyroom/test-kit'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { renderUnit } from '../src/systemd-unit.js'
import { APP_DIR, approvedKeypad, pairAgent, spawnAgent, writeJson } from './helpers.js'

/**
 * The real onoff code against a fake /sys/class/gpio: the agent runs in a private mount namespace where a tmpfs
 * covers /sys/class and a fake tree is bind-mounted at /sys/class/gpio (see test/fixtures/fake-gpio.sh). Needs root.
 */
const MOUNT_FAKE_SYSFS =
  'mount -t tmpfs tmpfs /sys/class && mkdir /sys/class/gpio && mount --bind "$0" /sys/class/gpio && exec "$@"'

/** The agent from source, inside a private mount namespace whose /sys/class/gpio is the fake tree at `gpio`. */
const inFakeSysfs = (gpio: string, args: string[]) => [
  'unshare',
  '-m',
  '--propagation',
  'private',
  'sh',
  '-c',
  MOUNT_FAKE_SYSFS,
  gpio,
  process.execPath,
  ...NODE_FROM_SOURCE,
  'src/main.ts',
  ...args,
]

function namespaceUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`
  if (process.getuid?.() !== 0) return 'not root: a mount namespace with a fake /sys/class/gpio needs root'
  const probe = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /sys/class'],
    {
      encoding: 'utf8',
    },
  )
  if (probe.status !== 0)
    return `cannot make the mount namespace: ${(probe.stderr || probe.error?.message || '').trim()}`
  return undefined
}

const unavailable = namespaceUnavailable()
if (unavailable) {
  console.warn(
    `\n!!! pi-agent: the onoff fake-sysfs tests are SKIPPED: ${unavailable}. Only the sim-driver tests ran.\n`,
  )
}

const PULSE_MS = 300
const CHIPS = [
  { base: 571, label: 'pinctrl-rp1', ngpio: 54 },
  { base: 512, label: 'pinctrl-bcm2711', ngpio: 58 },
  { base: 0, label: 'pinctrl-bcm2835', ngpio: 54 },
]

function fakeGpioTree(chip: (typeof CHIPS)[number]) {
  const dir = tempDir('keyroom-fake-sysfs-')
  const gpio = join(dir, 'gpio')
  const chipDir = join(gpio, `gpiochip${chip.base}`)
  mkdirSync(chipDir, { recursive: true })
  writeFileSync(join(chipDir, 'base'), `${chip.base}\n`)
  writeFileSync(join(chipDir, 'label'), `${chip.label}\n`)
  writeFileSync(join(chipDir, 'ngpio'), `${chip.ngpio}\n`)
  const log = join(dir, 'events.log')
  writeFileSync(log, '')
  spawnSync('mkfifo', [join(gpio, 'export'), join(gpio, 'unexport')])
  // An exported pin's files appear 300 ms late: longer than onoff's own wait for them (10,000 tries, about 80 ms).
  const helper: ChildProcess = spawn(
    'bash',
    [join(APP_DIR, 'test/fixtures/fake-gpio.sh'), gpio, log, '0.3'],
    {
      stdio: 'ignore',
    },
  )
  onTestFinished(() => {
    helper.kill('SIGTERM')
  })
  return {
    dir,
    gpio,
    events: () => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean),
    value: (sysfs: number) => readFileSync(join(gpio, `gpio${sysfs}`, 'value'), 'utf8').trim(),
    exported: (sysfs: number) => existsSync(join(gpio, `gpio${sysfs}`)),
  }
}

/** The levels a value file showed, in order (each change once), polling it every 2 ms until `stop`. */
function watchLevels(read: () => string) {
  const seen = [read()]
  const timer = setInterval(() => {
    const value = read()
    if (value !== seen.at(-1)) seen.push(value)
  }, 2)
  const stop = () => clearInterval(timer)
  onTestFinished(stop)
  return { seen: () => seen, stop }
}

/**
 * When the agent wrote each level of `pin` (BCM), from its own debug lines (pino's `time`, right after the write):
 * a pulse's length as the agent made it, whatever the test's own polling was delayed by on a loaded machine.
 */
const pinChanges = (stderr: string, pin: number) =>
  stderr
    .split('\n')
    .map(parseJsonLine)
    .filter((line) => line?.msg === 'pin changed' && line.pin === pin)
    .map((line) => ({ active: line?.active, why: line?.why, time: line?.time as number }))

/** A ceiling for waits on what the agent does (vi.waitFor's default, 1 s, is short on a loaded machine). */
const EVENT_WAIT = { timeout: 10_000, interval: 10 }

describe.skipIf(unavailable !== undefined)('onoff driver against a fake sysfs tree (mount namespace)', () => {
  it.each(CHIPS)(
    'base $base ($label): hold, release, pulse, SIGTERM leaves pins safe and unexported',
    async (chip) => {
      const tree = fakeGpioTree(chip)
      const led = chip.base + 17
      const door = chip.base + 27
      const relay = await startTestRelay()
      const paired = pairAgent(relay.url, { name: `door-${chip.base}` })
      const pins = writeJson(join(tree.dir, 'pins.json'), {
        outputs: [
          { key: 'KeyL', pin: 17, mode: 'hold' },
          { key: 'KeyD', pin: 27, mode: 'pulse', pulseMs: PULSE_MS, activeLow: true },
        ],
      })
      const agent = spawnAgent(
        inFakeSysfs(tree.gpio, ['run', '--pins', pins, '--driver', 'onoff', '--name', `door-${chip.base}`]),
        paired.env,
      )
      const keypad = await approvedKeypad(paired.link, `door-${chip.base}`)
      // Exported at their safe levels: the LED low, the active-low door strike high. (The fake tree logs an export
      // just after the pin appears.)
      await vi.waitFor(() => expect(tree.events()).toEqual([`export ${led}`, `export ${door}`]), EVENT_WAIT)
      expect([tree.value(led), tree.value(door)]).toEqual(['0', '1'])
      expect(agent.stderr()).toContain(`"base":${chip.base}`)

      await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })
      await vi.waitFor(() => expect(tree.value(led)).toBe('1'), EVENT_WAIT)
      await keypad.send({ type: 'key', code: 'KeyL', phase: 'up' })
      await vi.waitFor(() => expect(tree.value(led)).toBe('0'), EVENT_WAIT)

      // Active-low pulse: the strike's pin goes low, and high again PULSE_MS later.
      const levels = watchLevels(() => tree.value(door))
      await keypad.send({ type: 'key', code: 'KeyD', phase: 'tap' })
      await vi.waitFor(() => expect(levels.seen()).toEqual(['1', '0', '1']), EVENT_WAIT)
      levels.stop()
      // Its log line follows the write, through a pipe.
      const pulse = await vi.waitFor(() => {
        const changes = pinChanges(agent.stderr(), 27)
        expect(changes.map(({ active, why }) => ({ active, why }))).toEqual([
          { active: 1, why: 'pulse' },
          { active: 0, why: 'pulse-end' },
        ])
        return changes
      }, EVENT_WAIT)
      const [on, off] = pulse.map((change) => change.time) as [number, number]
      // Node timers never fire early (pino's time is whole ms: 1 ms of rounding); late only by the agent's own
      // event loop, which a loaded machine can hold up.
      expect(off - on).toBeGreaterThanOrEqual(PULSE_MS - 1)
      expect(off - on).toBeLessThanOrEqual(PULSE_MS + 300)

      // Held when SIGTERM arrives: still goes safe, then unexported.
      await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })
      await vi.waitFor(() => expect(tree.value(led)).toBe('1'), EVENT_WAIT)
      agent.child.kill('SIGTERM')
      expect(await agent.exited).toEqual({ code: 0, signal: null })
      await vi.waitFor(() => expect(tree.events()).toHaveLength(4), EVENT_WAIT)
      expect(tree.events().slice(2).sort()).toEqual(
        [`unexport ${door} direction=high value=1`, `unexport ${led} direction=low value=0`].sort(),
      )
      expect([tree.exported(led), tree.exported(door)]).toEqual([false, false])
    },
  )
})

describe.skipIf(unavailable !== undefined)('ExecStopPost against a fake sysfs tree (issue 18)', () => {
  it('an agent killed with SIGKILL mid-hold leaves pins engaged; ExecStopPost rests them, a pin the map dropped too', async () => {
    const chip = CHIPS[1] as (typeof CHIPS)[number]
    const tree = fakeGpioTree(chip)
    const led = chip.base + 17
    const door = chip.base + 27
    const relay = await startTestRelay()
    const paired = pairAgent(relay.url, { name: 'door' })
    const pins = writeJson(join(tree.dir, 'pins.json'), {
      outputs: [
        { key: 'KeyL', pin: 17, mode: 'hold' },
        { key: 'KeyD', pin: 27, mode: 'pulse', pulseMs: 5_000, activeLow: true },
      ],
    })
    const inNamespace = (args: string[]) => inFakeSysfs(tree.gpio, args)
    // The agent and the ExecStopPost share the state dir, as systemd's StateDirectory= gives them.
    const env = { ...paired.env, STATE_DIRECTORY: join(tree.dir, 'state') }
    const agent = spawnAgent(inNamespace(['run', '--pins', pins, '--driver', 'onoff', '--name', 'door']), env)
    const keypad = await approvedKeypad(paired.link, 'door')
    await keypad.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await keypad.send({ type: 'key', code: 'KeyD', phase: 'tap' })
    await vi.waitFor(() => expect([tree.value(led), tree.value(door)]).toEqual(['1', '0']), EVENT_WAIT)
    agent.child.kill('SIGKILL')
    expect(await agent.exited).toEqual({ code: null, signal: 'SIGKILL' })
    // Nothing ran on the way out: both outputs are still engaged, and exported.
    expect([tree.value(led), tree.value(door)]).toEqual(['1', '0'])
    expect(tree.events()).toEqual([`export ${led}`, `export ${door}`])

    // What systemd runs after the main process died, whatever killed it: the unit's own ExecStopPost words.
    const unit = renderUnit({
      node: '/usr/bin/node',
      main: '/opt/k/dist/main.js',
      pins,
      stateDir: paired.configDir,
    })
    const stopPost = unit.match(/^ExecStopPost=\/usr\/bin\/node \/opt\/k\/dist\/main\.js (.*)$/m)?.[1]
    expect(stopPost).toBe(`safe-outputs --pins ${pins}`)
    // The map changed meanwhile: the LED's pin is no longer in it. The agent's record still names it.
    writeJson(pins, { outputs: [{ key: 'KeyD', pin: 27, mode: 'pulse', pulseMs: 5_000, activeLow: true }] })
    const safe = spawnAgent(inNamespace((stopPost as string).split(' ')), env)
    expect(await safe.exited).toEqual({ code: 0, signal: null })
    await vi.waitFor(() => expect(tree.events()).toHaveLength(4), EVENT_WAIT)
    expect(tree.events().slice(2).sort()).toEqual(
      [`unexport ${door} direction=high value=1`, `unexport ${led} direction=low value=0`].sort(),
    )
    expect([tree.exported(led), tree.exported(door)]).toEqual([false, false])
  })
})

if (unavailable !== undefined) {
  describe('onoff driver against a fake sysfs tree', () => {
    it.skip(`SKIPPED: ${unavailable}`, () => {})
  })
}
