// The Pi agent with per-device approval, as a person runs it: real CLI processes, a real relay, keypad stand-ins.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Permissions } from '@keyroom/key-events'
import { formatDeviceLink, parseDeviceLink } from '@keyroom/room-client'
import { openDeviceStore } from '@keyroom/room-client/device-store'
import {
  type DeviceMember,
  joinAsDevice,
  NODE_FROM_SOURCE,
  pairDeviceDir,
  startTestRelay,
  tempDir,
  waitForDevice,
} from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { spawnAgent, writeJson } from './helpers.js'

const cli = (...args: string[]) => [process.execPath, ...NODE_FROM_SOURCE, 'src/main.ts', ...args]
const MAP = {
  outputs: [
    { key: 'KeyL', pin: 17, mode: 'hold' },
    { key: 'KeyD', pin: 27, mode: 'hold' },
  ],
}

/** Runs a keyroom-pi command to its end with the Pi's state dir; its stdout text and exit code. */
async function keyroomPi(configDir: string, ...args: string[]) {
  const run = spawnAgent(cli(...args), { KEYROOM_CONFIG_DIR: configDir })
  const { code } = await run.exited
  return {
    code,
    out: run.lines.map((l) => (typeof l.text === 'string' ? l.text : JSON.stringify(l))).join('\n'),
    err: run.stderr(),
  }
}

const linkIn = (out: string) => {
  const parsed = parseDeviceLink(
    out
      .split('\n')
      .find((l) => l.includes('#v=2'))
      ?.trim() ?? '',
  )
  if (!parsed.ok) throw new Error(`no link in:\n${out}`)
  return parsed.value
}

const notices = (device: DeviceMember) =>
  device.received.flatMap((m) => (m.body.type === 'notice' ? [m.body] : []))

describe('keyroom-pi devices, through a real relay', () => {
  it("pairs into the Mac receiver's room, approves inside the window, then by code; revokes; scopes; logs", async () => {
    const relay = await startTestRelay()
    // The Mac receiver's state dir and the link it printed, saved to a file as a person would.
    const mac = pairDeviceDir(relay.url, { name: 'mac' })
    const macLinkFile = join(tempDir('keyroom-mac-link-'), 'mac.link')
    writeFileSync(macLinkFile, `${formatDeviceLink(mac.link)}\n`, { mode: 0o600 })
    const piDir = tempDir('keyroom-pi-state-')

    // 1. pair --link-file: the Mac's room, the Pi's own key and secret in the link it prints.
    const paired = await keyroomPi(piDir, 'pair', '--link-file', macLinkFile, '--name', 'door-pi')
    expect(paired.code, paired.err).toBe(0)
    const piLink = linkIn(paired.out)
    const store = openDeviceStore(piDir)
    expect(piLink).toMatchObject({ relay: relay.url, room: mac.link.room, name: 'door-pi' })
    expect(Buffer.from(piLink.peer ?? []).equals(Buffer.from(store.identity().publicKey))).toBe(true)
    expect(Buffer.from(piLink.peer ?? []).equals(Buffer.from(mac.link.peer ?? []))).toBe(false)

    const pins = writeJson(join(piDir, 'pins.json'), MAP)
    const agent = spawnAgent(cli('run', '--pins', pins, '--driver', 'sim', '--name', 'door-pi'), {
      KEYROOM_CONFIG_DIR: piDir,
    })
    const changes = (pin: number) => agent.lines.filter((l) => l.pin === pin).map((l) => l.value)
    await vi.waitFor(() => expect([changes(17), changes(27)]).toEqual([[0], [0]]), { timeout: 10_000 })

    // 2. A keypad that opened the Pi's link inside the window: approved, and its keys drive the pins.
    const phone = await joinAsDevice(piLink, 'keypad', 'phone')
    await waitForDevice(phone, 'door-pi', 'approved')
    await phone.send({ type: 'key', code: 'KeyL', phase: 'down' })
    await vi.waitFor(() => expect(changes(17)).toEqual([0, 1]))
    await phone.send({ type: 'key', code: 'KeyL', phase: 'up' })
    await vi.waitFor(() => expect(changes(17)).toEqual([0, 1, 0]))

    // 3. A new window of one second; a device that comes after it waits as pending, refused with a notice.
    const again = await keyroomPi(piDir, 'pair', '--window', '1')
    expect(again.code, again.err).toBe(0)
    const lateLink = linkIn(again.out)
    const until = store.read().pairing?.until ?? 0
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(until), { timeout: 3_000, interval: 50 })
    const tablet = await joinAsDevice(lateLink, 'keypad', 'tablet')
    const pending = await waitForDevice(tablet, 'door-pi', 'pending')
    const code = pending.status?.code ?? ''
    expect(code).toMatch(/^\d{6}$/)
    await tablet.send({ type: 'key', code: 'KeyD', phase: 'down' })
    await vi.waitFor(() =>
      expect(notices(tablet)).toContainEqual(expect.objectContaining({ code: 'not-approved' })),
    )
    expect(changes(27)).toEqual([0])
    const listed = await keyroomPi(piDir, 'devices', 'list', '--json')
    expect(JSON.parse(listed.out)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'phone', state: 'approved', via: 'pairing-window' }),
        expect.objectContaining({ name: 'tablet', state: 'pending', code }),
      ]),
    )

    // 4. devices approve <code> while the agent runs: the tablet's presses drive the pin.
    const approved = await keyroomPi(piDir, 'devices', 'approve', code)
    expect(approved.code, approved.err).toBe(0)
    expect(approved.out).toMatch(/^approved tablet \(/)
    await waitForDevice(tablet, 'door-pi', 'approved')
    await tablet.send({ type: 'key', code: 'KeyD', phase: 'down' })
    await vi.waitFor(() => expect(changes(27)).toEqual([0, 1]))

    // 5. devices revoke while the tablet holds the key: the pin goes safe, and its next press gets a notice.
    const revoked = await keyroomPi(piDir, 'devices', 'revoke', 'tablet')
    expect(revoked.code, revoked.err).toBe(0)
    await vi.waitFor(() => expect(changes(27)).toEqual([0, 1, 0]))
    await waitForDevice(tablet, 'door-pi', 'revoked')
    await tablet.send({ type: 'key', code: 'KeyD', phase: 'down' })
    await vi.waitFor(() =>
      expect(notices(tablet)).toContainEqual(expect.objectContaining({ code: 'revoked' })),
    )
    expect(changes(27)).toEqual([0, 1, 0])

    // 6. The phone scoped to KeyL (so to BCM 17): KeyD's pin is refused with a notice, KeyL still works.
    const onlyL: Permissions = { keys: ['KeyL'] }
    expect(store.setPermissions('phone', onlyL).ok).toBe(true)
    await vi.waitFor(() =>
      expect(phone.peers().find((p) => p.name === 'door-pi')?.status?.permissions).toEqual(onlyL),
    )
    await phone.send({ type: 'key', code: 'KeyD', phase: 'down' })
    await vi.waitFor(() =>
      expect(notices(phone)).toContainEqual(
        expect.objectContaining({
          code: 'not-permitted',
          message: "KeyD is not in this device's allowed keys",
        }),
      ),
    )
    await phone.send({ type: 'key', code: 'KeyL', phase: 'tap' })
    await vi.waitFor(() => expect(changes(17)).toEqual([0, 1, 0, 1, 0]))
    expect(changes(27)).toEqual([0, 1, 0])

    // 7. devices log: who was approved how, what they pressed, what was refused and why.
    const log = await keyroomPi(piDir, 'devices', 'log', '--json')
    expect(log.code, log.err).toBe(0)
    const entries = JSON.parse(log.out) as {
      device: string
      action: string
      code?: string
      reason?: string
    }[]
    const seen = entries.map((e) => [e.device, e.action, e.code ?? e.reason].join(' '))
    for (const entry of [
      'phone approved pairing-window',
      'phone key KeyL',
      'tablet pending handshake',
      'tablet refused not-approved',
      'tablet approved code',
      'tablet key KeyD',
      'tablet revoked revoke',
      'tablet refused revoked',
      'phone refused not-permitted',
    ])
      expect(seen).toContain(entry)
    const text = await keyroomPi(piDir, 'devices', 'log')
    expect(text.out).toMatch(/tablet \(\S+\) {2}refused revoked/)

    agent.child.kill('SIGTERM')
    expect(await agent.exited).toEqual({ code: 0, signal: null })
  }, 90_000)
})
