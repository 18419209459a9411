import { writeFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { tempDir } from '@keyroom/test-kit'
import { describe, expect, it } from 'vitest'
import { createRoomId, formatDeviceLink } from './device-link.js'
import { linkSourceOf, readLink } from './link-input.js'

const text = formatDeviceLink({ relay: 'http://127.0.0.1:7300', room: createRoomId() })

describe('links from a file, stdin or the environment', () => {
  it('reads where the flags say, never argv itself', () => {
    expect(linkSourceOf({ linkFile: '/l' })).toEqual({ ok: true, value: { kind: 'file', path: '/l' } })
    expect(linkSourceOf({ link: '-' })).toEqual({ ok: true, value: { kind: 'stdin' } })
    expect(linkSourceOf({}, { KEYROOM_LINK: 'x' })).toEqual({ ok: true, value: { kind: 'env', text: 'x' } })
    expect(linkSourceOf({})).toEqual({ ok: true, value: undefined })
    expect(linkSourceOf({ link: text })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('shows in the process list') },
    })
    expect(linkSourceOf({ link: '-', linkFile: '/l' })).toMatchObject({
      ok: false,
      error: { message: 'give --link-file or --link -, not both' },
    })
  })

  it('parses a link from a file (trailing newline and all), stdin and the environment', async () => {
    const file = `${tempDir()}/link.txt`
    writeFileSync(file, `${text}\n`)
    for (const source of [
      { kind: 'file', path: file } as const,
      { kind: 'env', text } as const,
      { kind: 'stdin' } as const,
    ]) {
      const read = await readLink(source, Readable.from([`${text}\n`]))
      expect(read).toMatchObject({ ok: true, value: { relay: 'http://127.0.0.1:7300' } })
    }
  })

  it('names a missing file, a broken link and a version 1 link', async () => {
    expect(await readLink({ kind: 'file', path: '/nope/link.txt' })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('cannot read the link from /nope/link.txt') },
    })
    expect(await readLink({ kind: 'env', text: 'https://x/#v=2&room=1' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('bad link: the pairing link has no relay=') },
    })
    const old = `https://x/#relay=http%3A%2F%2Fx&room=${'A'.repeat(22)}&key=${'k'.repeat(43)}`
    expect(await readLink({ kind: 'env', text: old })).toMatchObject({
      ok: false,
      error: { message: 'bad link: this link is from an older keyroom: pair again' },
    })
  })
})
