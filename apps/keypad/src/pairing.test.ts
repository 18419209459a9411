import { createRoom, formatPairingLink, toBase64url } from '@keyroom/room-client'
import { describe, expect, it } from 'vitest'
import {
  forgetRoom,
  linkFromHash,
  loadRooms,
  MAX_STORED_ROOMS,
  ROOMS_STORAGE_KEY,
  rememberRoom,
  saveRooms,
  toRoomLink,
} from './pairing.js'
import { memoryStore } from './storage.js'

describe('pairing', () => {
  it('reads the pairing link from the page fragment', () => {
    const link = createRoom('http://127.0.0.1:4000')
    const url = new URL(formatPairingLink(link, 'http://127.0.0.1:4000/'))
    const parsed = linkFromHash(url.hash)
    expect(parsed?.ok && parsed.value.room).toBe(link.room)
    expect(parsed?.ok && toBase64url(parsed.value.key)).toBe(toBase64url(link.key))
  })

  it('ignores a fragment that is not a pairing link and explains a broken one', () => {
    expect(linkFromHash('')).toBeUndefined()
    expect(linkFromHash('#top')).toBeUndefined()
    const broken = linkFromHash('#relay=http%3A%2F%2Fx&room=abc&key=zz')
    expect(broken?.ok).toBe(false)
    expect(broken?.ok === false && broken.error.message).toMatch(/room/)
  })

  it('remembers rooms most recent first, without duplicates, and survives reloads', () => {
    const store = memoryStore()
    const a = createRoom('http://a.test:1')
    const b = createRoom('http://b.test:2')
    let rooms = rememberRoom([], a, 1)
    rooms = rememberRoom(rooms, b, 2)
    rooms = rememberRoom(rooms, a, 3)
    expect(rooms.map((r) => r.room)).toEqual([a.room, b.room])
    expect(rooms[0]?.label).toBe('a.test:1')
    saveRooms(store, rooms)
    const loaded = loadRooms(store)
    expect(loaded.map((r) => r.room)).toEqual([a.room, b.room])
    const back = toRoomLink(loaded[0]!)
    expect(back && toBase64url(back.key)).toBe(toBase64url(a.key))
    expect(forgetRoom(loaded, a.room).map((r) => r.room)).toEqual([b.room])
  })

  it('keeps at most MAX_STORED_ROOMS', () => {
    let rooms = rememberRoom([], createRoom('http://r.test'), 0)
    for (let i = 1; i < MAX_STORED_ROOMS + 5; i++) rooms = rememberRoom(rooms, createRoom('http://r.test'), i)
    expect(rooms).toHaveLength(MAX_STORED_ROOMS)
  })

  it('drops stored entries that no longer make a link (storage is untrusted)', () => {
    const store = memoryStore()
    const good = rememberRoom([], createRoom('http://ok.test'), 5)[0]!
    store.setItem(
      ROOMS_STORAGE_KEY,
      JSON.stringify([good, { ...good, key: 'short' }, { ...good, relay: 'ftp://x' }, { room: 1 }, null]),
    )
    expect(loadRooms(store)).toEqual([good])
    store.setItem(ROOMS_STORAGE_KEY, '"nope"')
    expect(loadRooms(store)).toEqual([])
  })
})
