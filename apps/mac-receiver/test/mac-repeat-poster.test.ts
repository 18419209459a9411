import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { POSTER_SCRIPT, startMacRepeatPoster } from '../src/mac-repeat-poster.js'

// The poster process for real (a child speaking its line protocol), with a stand-in for osascript: no Mac here.
const fake = fileURLToPath(new URL('./fixtures/fake-osascript.mjs', import.meta.url))

async function start(mode: string, timeoutMs = 500) {
  const log = join(tempDir('keyroom-receiver-'), 'requests.log')
  const poster = startMacRepeatPoster({ command: process.execPath, args: [fake, mode, log], timeoutMs })
  const requests = () => readFileSync(log, 'utf8').trim().split('\n')
  return { poster, requests }
}

describe('the macOS repeat poster process', () => {
  it('posts each repeat as one line and resolves only once it was posted, in order', async () => {
    const { poster, requests } = await start('ok')
    await poster.ready()
    await poster.repeat({ kind: 'key', code: 0x7b }, 0x2_0000)
    await Promise.all([
      poster.repeat({ kind: 'media', code: 0 }, 0),
      poster.repeat({ kind: 'key', code: 0 }, 0),
    ])
    expect(requests()).toEqual(['k 123 131072', 'm 0', 'k 0 0'])
    expect(poster.broken()).toBeUndefined()
    poster.close()
  })

  it('refuses while starting (the caller posts that repeat unmarked) without counting as broken', async () => {
    const { poster } = await start('late')
    await expect(poster.repeat({ kind: 'key', code: 0 }, 0)).rejects.toThrow('not ready yet')
    expect(poster.broken()).toBeUndefined()
    await poster.ready()
    await poster.repeat({ kind: 'key', code: 0 }, 0)
    poster.close()
  })

  it('a refused request fails alone; the poster carries on', async () => {
    const { poster } = await start('refuse')
    await poster.ready()
    await expect(poster.repeat({ kind: 'key', code: 1 }, 0)).rejects.toThrow('refused a repeat: error')
    expect(poster.broken()).toBeUndefined()
    poster.close()
  })

  it('a poster that exits is broken for good, and says how it ended', async () => {
    const { poster } = await start('exit')
    await poster.ready()
    await poster.repeat({ kind: 'key', code: 1 }, 0)
    await expect(poster.repeat({ kind: 'key', code: 1 }, 0)).rejects.toThrow('exited (code 3)')
    expect(poster.broken()).toContain('exited (code 3)')
    await expect(poster.repeat({ kind: 'key', code: 1 }, 0)).rejects.toThrow('exited')
  })

  it('a poster that hangs is killed at the deadline, so it cannot post a repeat after the key-up', async () => {
    const { poster } = await start('hang', 200)
    await poster.ready()
    await expect(poster.repeat({ kind: 'key', code: 1 }, 0)).rejects.toThrow('did not answer within 200 ms')
    expect(poster.broken()).toContain('did not answer')
  })

  it('a missing osascript is reported, not thrown', async () => {
    const poster = startMacRepeatPoster({ command: '/nonexistent/osascript' })
    await expect(poster.ready()).rejects.toThrow('could not start the repeat poster')
    await expect(poster.repeat({ kind: 'key', code: 1 }, 0)).rejects.toThrow('could not start')
  })

  it('its JavaScript for Automation script is valid JavaScript', () => {
    // It only runs on a Mac; compiling it here catches what a typo would break there.
    expect(() => new Function(POSTER_SCRIPT)).not.toThrow()
    expect(POSTER_SCRIPT).toContain('CGEventSetIntegerValueField(event, AUTOREPEAT_FIELD, 1)')
  })
})
