import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdirSync, openSync, readSync, symlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

/**
 * A named pipe standing in for /dev/hidgN, with the read end open (non-blocking) so the agent's O_NONBLOCK open
 * succeeds as it does on the real device. `take()` returns the bytes written so far, cut into reports.
 */
export function fakeHidDevice(dir: string, name: string, reportLength: number) {
  const path = join(dir, name)
  execFileSync('mkfifo', [path])
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  onTestFinished(() => closeSync(reader))
  const readAll = () => {
    const chunks: Buffer[] = []
    const buffer = Buffer.alloc(65_536)
    for (;;) {
      try {
        const n = readSync(reader, buffer)
        if (n <= 0) break
        chunks.push(Buffer.from(buffer.subarray(0, n)))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break
        throw error
      }
    }
    return Buffer.concat(chunks)
  }
  const seen: string[] = []
  let taken = 0
  const collect = () => {
    const bytes = readAll()
    if (bytes.length % reportLength !== 0) throw new Error(`${bytes.length} bytes is not whole reports`)
    for (let at = 0; at < bytes.length; at += reportLength) {
      seen.push(bytes.subarray(at, at + reportLength).toString('hex'))
    }
  }
  return {
    path,
    /** Reports written since the last call, as hex strings. */
    take(): string[] {
      collect()
      const fresh = seen.slice(taken)
      taken = seen.length
      return fresh
    },
    /** Every report written so far (safe to call repeatedly inside vi.waitFor). */
    all(): string[] {
      collect()
      return [...seen]
    },
    /** Fills the pipe until a non-blocking write gets EAGAIN: the host that stopped collecting reports. Returns a drain. */
    block() {
      const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)
      const chunk = Buffer.alloc(4096, 0xee)
      try {
        for (let i = 0; i < 1024; i += 1) writeSync(writer, chunk)
        throw new Error('the pipe never filled')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      } finally {
        closeSync(writer)
      }
      return () => {
        const junk = readAll()
        if (junk.some((b) => b !== 0xee)) throw new Error('reports were mixed into the filler')
      }
    },
  }
}

/** A fake configfs root (with usb_gadget, as when libcomposite is loaded) and a /sys/class/udc with one controller. */
export function fakeGadgetSystem(dir: string, udcs: string[] = ['fe980000.usb']) {
  const configfsRoot = join(dir, 'config')
  const udcDir = join(dir, 'udc')
  mkdirSync(join(configfsRoot, 'usb_gadget'), { recursive: true })
  mkdirSync(udcDir, { recursive: true })
  for (const udc of udcs) symlinkSync('/dev/null', join(udcDir, udc))
  return { configfsRoot, udcDir, serial: 'keyroom-test', bootConfigs: [join(dir, 'config.txt')] }
}
