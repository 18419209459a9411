import { readFileSync } from 'node:fs'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createFakeRoom } from './fake-room.js'
import { parseJsonLine, spawnProcess } from './spawn-process.js'

const node = (script: string, detached = false) =>
  spawnProcess(process.execPath, ['-e', script], detached ? { detached: true } : {})

describe('spawnProcess', () => {
  it('gives complete lines only, JSON lines parsed, and how the process ended', async () => {
    const child = node('process.stdout.write(\'{"a":1}\\nplain\\n{"b":\'); process.stderr.write("err\\n")')
    expect(await child.ended).toEqual({ code: 0, signal: null })
    expect(child.lines()).toEqual(['{"a":1}', 'plain'])
    expect(child.lines('stderr')).toEqual(['err'])
    expect(child.lines().map(parseJsonLine)).toEqual([{ a: 1 }, undefined])
  })

  it('signals a detached process group as a whole, as Ctrl+C on a terminal does', async () => {
    // A parent that starts a grandchild and prints its pid: both are in the new group.
    const child = node(
      'const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000)',
      true,
    )
    const pid = Number(await vi.waitFor(() => child.lines()[0] ?? Promise.reject(new Error('no pid yet'))))
    // Running, not a zombie waiting for a reaper (this container's PID 1 may never reap it).
    const alive = (p: number) => {
      try {
        return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
      } catch {
        return false
      }
    }
    onTestFinished(() => {
      if (alive(pid)) process.kill(pid, 'SIGKILL')
    })
    child.signal('SIGTERM')
    expect(await child.ended).toEqual({ code: null, signal: 'SIGTERM' })
    await vi.waitFor(() => expect(alive(pid)).toBe(false))
  })
})

describe('createFakeRoom', () => {
  it('numbers each sender on its own, records what was sent, and counts listeners', async () => {
    const room = createFakeRoom()
    const seqs: Array<[string, number]> = []
    const off = room.on('message', (m) => seqs.push([m.from, m.seq]))
    room.deliver('a', { type: 'release-all' })
    room.deliver('b', { type: 'release-all' })
    room.deliver('a', { type: 'release-all' })
    expect(seqs).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
    ])
    expect(await room.send({ type: 'key', code: 'KeyA', phase: 'tap' })).toEqual({ ok: true })
    expect(room.sent).toEqual([{ type: 'key', code: 'KeyA', phase: 'tap' }])
    expect(room.listenerCount()).toBe(1)
    off()
    expect(room.listenerCount()).toBe(0)
  })
})
