import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureLogger, tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { OUTPUT_RECORD, openOutputRecord, outputRecordPath, restLeftovers } from './output-record.js'
import { openOutputs } from './outputs.js'
import { parsePinMap } from './pin-map.js'
import type { Level, Pins } from './pins.js'

/** Pins that log every open, write and close. */
function loggingPins() {
  const events: string[] = []
  const pins: Pins = {
    output(pin, initial) {
      events.push(`open ${pin}=${initial}`)
      return {
        pin,
        write: (level: Level) => void events.push(`write ${pin}=${level}`),
        read: () => 0,
        close: () => void events.push(`close ${pin}`),
      }
    },
    input: () => {
      throw new Error('no inputs here')
    },
  }
  return { pins, events }
}

describe('engaged-output record', () => {
  it('lives in systemd’s StateDirectory, else the config dir', () => {
    expect(outputRecordPath({ STATE_DIRECTORY: '/var/lib/keyroom-pi' }, '/home/x/.config/keyroom')).toBe(
      `/var/lib/keyroom-pi/${OUTPUT_RECORD}`,
    )
    expect(outputRecordPath({}, '/c')).toBe(`/c/${OUTPUT_RECORD}`)
  })

  it('an output is on record before it engages and off it once it rests', () => {
    const dir = tempDir('keyroom-pi-record-')
    const path = join(dir, OUTPUT_RECORD)
    const { logger } = captureLogger()
    const record = openOutputRecord(path, logger)
    const onDisk = () => JSON.parse(readFileSync(path, 'utf8')).engaged
    const map = parsePinMap(
      JSON.stringify({ outputs: [{ key: 'KeyL', pin: 17, mode: 'toggle', activeLow: true }] }),
    )
    if (!map.ok) throw new Error(map.error.message)
    const { pins, events } = loggingPins()
    const seen: unknown[] = []
    const outputs = openOutputs(
      pins,
      map.value.outputs,
      logger,
      undefined,
      () => 1_000_000,
      (engaged) => {
        seen.push({ engaged, written: events.at(-1) })
        record.write(engaged)
      },
    )
    outputs.trigger(outputs.plain('KeyL'))
    expect(seen).toEqual([{ engaged: [{ pin: 17, rest: 1 }], written: 'open 17=1' }])
    expect(onDisk()).toEqual([{ pin: 17, rest: 1 }])
    outputs.restAll('test')
    expect(onDisk()).toEqual([])
    expect(readdirSync(dir)).toEqual([OUTPUT_RECORD])
  })

  it.each([
    ['not JSON', '{"engaged": ['],
    ['no list', '{"engaged": 17}'],
    ['a pin out of range', '{"engaged": [{"pin": 99, "rest": 0}]}'],
    ['a bad level', '{"engaged": [{"pin": 17, "rest": 2}]}'],
    ['prototype names', '{"engaged": [{"__proto__": {"pin": 1, "rest": 0}}]}'],
  ])('a record with %s is ignored, with a warning', (_name, text) => {
    const path = join(tempDir('keyroom-pi-record-'), OUTPUT_RECORD)
    writeFileSync(path, text)
    const { logger, lines } = captureLogger()
    expect(openOutputRecord(path, logger).read()).toEqual([])
    expect(lines.some((line) => /output record/.test(String(line.msg)))).toBe(true)
  })

  it('at start, rests what the last run left engaged on pins the map no longer opens', () => {
    const { pins, events } = loggingPins()
    const { logger } = captureLogger()
    restLeftovers(
      pins,
      [
        { pin: 17, rest: 0 },
        { pin: 27, rest: 1 },
      ],
      new Set([27]),
      logger,
    )
    expect(events).toEqual(['open 17=0', 'close 17'])
  })
})
