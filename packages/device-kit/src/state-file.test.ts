import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureLogger, tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { openStateFile } from './state-file.js'

describe('state file', () => {
  it('writes JSON 0600 through a rename (no .tmp left), creating its folder, and reads it back', () => {
    const path = join(tempDir(), 'state', 'held.json')
    const file = openStateFile(path, captureLogger().logger, 'held keys')
    file.write({ down: ['KeyA'] })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ down: ['KeyA'] })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(join(path, '..'))).toEqual(['held.json'])
    expect(openStateFile(path, captureLogger().logger, 'held keys').read()).toEqual({
      ok: true,
      value: { down: ['KeyA'] },
    })
  })

  it('does not write unchanged content again', () => {
    const path = join(tempDir(), 'held.json')
    const file = openStateFile(path, captureLogger().logger, 'held keys')
    file.write({ down: [] })
    writeFileSync(path, 'changed behind its back')
    file.write({ down: [] })
    expect(readFileSync(path, 'utf8')).toBe('changed behind its back')
  })

  it('says what is wrong with a missing, unreadable or non-JSON file', () => {
    const dir = tempDir()
    const read = (name: string) => openStateFile(join(dir, name), captureLogger().logger, 'x').read()
    expect(read('none.json')).toMatchObject({ ok: false, error: { code: 'missing' } })
    writeFileSync(join(dir, 'bad.json'), '{"down": [')
    expect(read('bad.json')).toMatchObject({ ok: false, error: { code: 'not-json' } })
    expect(read('.')).toMatchObject({ ok: false, error: { code: 'unreadable' } })
  })
})
