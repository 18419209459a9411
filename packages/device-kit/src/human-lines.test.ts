import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { wantsHumanLines } from './device-logger.js'
import { humanDestination, humanLine } from './human-lines.js'

describe('humanLine', () => {
  const time = new Date(2026, 11, 2, 18, 5, 9).getTime()

  it('is the time, the message and the fields a person needs', () => {
    expect(
      humanLine({
        level: 30,
        time,
        pid: 1,
        hostname: 'h',
        name: 'keyroom-receiver',
        module: 'room',
        msg: 'keypad joined',
        peer: 'phone',
      }),
    ).toBe('18:05:09 keypad joined (peer=phone)')
    expect(humanLine({ level: 30, time, msg: 'room connected' })).toBe('18:05:09 room connected')
  })

  it('names warnings and errors, and shows an error by its message', () => {
    expect(humanLine({ level: 40, time, msg: 'key injection is blocked', blocked: { why: 'x' } })).toBe(
      '18:05:09 warning: key injection is blocked (blocked={"why":"x"})',
    )
    expect(humanLine({ level: 50, time, msg: 'key action failed', err: { message: 'no display' } })).toBe(
      '18:05:09 error: key action failed (err=no display)',
    )
  })

  it('turns a real pino logger into human lines', () => {
    const out: string[] = []
    const logger = pino(
      { name: 'keyroom-receiver' },
      humanDestination((text) => out.push(text)),
    )
    logger.info({ peer: 'phone' }, 'keypad joined')
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d keypad joined \(peer=phone\)\n$/)
  })
})

describe('wantsHumanLines', () => {
  it('is a terminal without --json, unless KEYROOM_LOG_FORMAT says otherwise', () => {
    expect(wantsHumanLines({ isTTY: true }, undefined)).toBe(true)
    expect(wantsHumanLines({ isTTY: true }, true)).toBe(false)
    expect(wantsHumanLines({}, undefined)).toBe(false)
    expect(wantsHumanLines({}, undefined, { KEYROOM_LOG_FORMAT: 'human' })).toBe(true)
    expect(wantsHumanLines({ isTTY: true }, undefined, { KEYROOM_LOG_FORMAT: 'json' })).toBe(false)
    expect(wantsHumanLines({}, true, { KEYROOM_LOG_FORMAT: 'human' })).toBe(false)
  })
})
