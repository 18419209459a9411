import { join } from 'node:path'
import { captureLogger, tempDir } from '@keyroom/test-kit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHidgWriter } from '../src/hidg-writer.js'
import { fakeHidDevice } from './hid-fakes.js'

const report = (...bytes: number[]) => Buffer.from([...bytes, ...Array(8 - bytes.length).fill(0)])

afterEach(() => {
  vi.useRealTimers()
})

describe('the hidg writer on a FIFO standing in for /dev/hidg0', () => {
  it('writes each report whole, in order', () => {
    const device = fakeHidDevice(tempDir('keyroom-hidg-'), 'hidg0', 8)
    const { logger } = captureLogger()
    const writer = createHidgWriter({ path: device.path, logger })
    writer.write(report(0, 0, 0x04))
    writer.write(report())
    expect(device.take()).toEqual(['0000040000000000', '0000000000000000'])
    writer.close()
  })

  it('a write the host does not take times out after 500 ms with a clear log line, never blocking the loop', () => {
    vi.useFakeTimers()
    const device = fakeHidDevice(tempDir('keyroom-hidg-'), 'hidg0', 8)
    const { logger, lines } = captureLogger()
    const stalls: string[] = []
    const writer = createHidgWriter({ path: device.path, logger, onStall: (p) => stalls.push(p) })
    const drain = device.block()
    const started = performance.now()
    writer.write(report(0, 0, 0x04))
    writer.write(report(0, 0, 0x04, 0x05))
    writer.write(report())
    // write() came back at once (the loop is free) and nothing is reported before the timeout.
    expect(performance.now() - started).toBeLessThan(100)
    vi.advanceTimersByTime(490)
    expect(writer.stalled()).toBe(false)
    vi.advanceTimersByTime(20)
    expect(writer.stalled()).toBe(true)
    const warning = lines.find((l) => l.level === 40)
    expect(warning).toMatchObject({
      device: device.path,
      timeoutMs: 500,
      msg: `HID write to ${device.path} timed out after 500 ms: is the target asleep or the cable out?`,
    })
    expect(stalls).toEqual([warning?.msg])
    // More stalled retries log at debug only: one warning per stall, not one per retry.
    vi.advanceTimersByTime(2_000)
    expect(lines.filter((l) => l.level >= 40)).toHaveLength(1)

    // The host collects again: only the newest state goes out (a tap that could not happen is not typed late).
    drain()
    vi.advanceTimersByTime(300)
    expect(device.take()).toEqual(['0000000000000000'])
    expect(writer.stalled()).toBe(false)
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'HID writes go through again' })
    writer.close()
  })

  it('a missing device (no gadget set up) is reported once with the fix, and found when it appears', () => {
    vi.useFakeTimers()
    const dir = tempDir('keyroom-hidg-')
    const { logger, lines } = captureLogger()
    const writer = createHidgWriter({ path: join(dir, 'hidg0'), logger })
    writer.write(report(0, 0, 0x04))
    expect(lines.find((l) => l.level === 40)?.msg).toBe(
      `cannot write to ${join(dir, 'hidg0')}: ENOENT (run keyroom-pi hid setup)`,
    )
    const device = fakeHidDevice(dir, 'hidg0', 8)
    vi.advanceTimersByTime(300)
    expect(device.take()).toEqual(['0000040000000000'])
    writer.close()
  })

  it('drained() resolves when the queue is out, and at once when stalled', async () => {
    vi.useFakeTimers()
    const device = fakeHidDevice(tempDir('keyroom-hidg-'), 'hidg0', 8)
    const { logger } = captureLogger()
    const writer = createHidgWriter({ path: device.path, logger })
    writer.write(report())
    await writer.drained()
    expect(device.take()).toEqual(['0000000000000000'])
    device.block()
    writer.write(report(0x02))
    let done = false
    void writer.drained().then(() => {
      done = true
    })
    await vi.advanceTimersByTimeAsync(400)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(200)
    expect(done).toBe(true)
    writer.close()
  })
})
