import { LinkField } from '@keyroom/key-events'
import {
  createIdentity,
  createPairingSecret,
  createRoomId,
  type DeviceLink,
  formatDeviceLink,
  toBase64url,
} from '@keyroom/room-client'
import { describe, expect, it } from 'vitest'
import {
  dropSecrets,
  forgetRoom,
  joinOf,
  linkFromHash,
  loadRooms,
  MAX_RECEIVERS_PER_ROOM,
  MAX_STORED_ROOMS,
  OLDER_ROOMS_STORAGE_KEY,
  ROOMS_STORAGE_KEY,
  rememberLink,
  roomUsedNow,
  saveRooms,
} from './pairing.js'
import { memoryStore } from './storage.js'

/** What a receiver's `pair` prints: its key, its name and a pairing secret. */
const receiverLink = (relay: string, name: string, room = createRoomId()): DeviceLink => ({
  relay,
  room,
  peer: createIdentity().publicKey,
  name,
  pairingSecret: createPairingSecret(),
})
const hashOf = (link: DeviceLink) => new URL(formatDeviceLink(link, 'http://127.0.0.1:4000/')).hash
const problemOf = (hash: string) => {
  const parsed = linkFromHash(hash)
  return parsed?.ok === false ? parsed.error : undefined
}

describe('pairing links', () => {
  it('reads a receiver link from the page fragment', () => {
    const link = receiverLink('http://127.0.0.1:4000', 'studio')
    const parsed = linkFromHash(hashOf(link))
    expect(parsed?.ok && parsed.value).toEqual(link)
  })

  it('tells a v1 link (one room key) to pair again instead of joining it', () => {
    const v1 = `#relay=${encodeURIComponent('http://x.test')}&room=${createRoomId()}&key=${toBase64url(new Uint8Array(32))}`
    expect(problemOf(v1)).toMatchObject({
      code: 'older-link',
      message: 'this link is from an older keyroom: pair again',
    })
  })

  it('gives every broken link its own message', () => {
    expect(linkFromHash('')).toBeUndefined()
    expect(linkFromHash('#top')).toBeUndefined()
    const good = new URLSearchParams(hashOf(receiverLink('http://r.test', 'studio')).slice(1))
    const without = (...fields: string[]) => {
      const p = new URLSearchParams(good)
      for (const field of fields) p.delete(field)
      return `#${p}`
    }
    const withValue = (field: string, value: string) => {
      const p = new URLSearchParams(good)
      p.set(field, value)
      return `#${p}`
    }
    expect(problemOf(without(LinkField.peer, LinkField.pairingSecret))?.message).toMatch(/names no receiver/)
    expect(problemOf(without(LinkField.peer))?.message).toMatch(/a pairing secret needs the peer=/)
    expect(problemOf(withValue(LinkField.peer, 'AAAA'))?.message).toMatch(/peer must be a 32-byte public key/)
    expect(problemOf(withValue(LinkField.relay, 'ftp://x'))?.message).toMatch(
      /not an http\(s\) or ws\(s\) URL/,
    )
    expect(problemOf(withValue(LinkField.room, 'abc'))?.message).toMatch(/room must be/)
    expect(problemOf(withValue(LinkField.pairingSecret, 'zz'))?.message).toMatch(/ps must be/)
    expect(problemOf(withValue(LinkField.version, '3'))?.message).toMatch(/version "3"/)
    expect(problemOf(withValue(LinkField.name, 'evil\u202Ename'))?.message).toMatch(/^name: /)
  })
})

describe('stored rooms', () => {
  it('keeps receivers per room: a second receiver link for the same relay and room adds it (a Mac and a Pi)', () => {
    const mac = receiverLink('http://relay.test', 'mac')
    const pi = receiverLink('http://relay.test', 'pi', mac.room)
    const elsewhere = receiverLink('http://other.test', 'pi', mac.room)
    let rooms = rememberLink([], mac, 1)
    rooms = rememberLink(rooms, pi, 2)
    expect(rooms).toHaveLength(1)
    expect(rooms[0]?.receivers.map((r) => r.name)).toEqual(['mac', 'pi'])
    expect(rooms[0]?.label).toBe('relay.test')
    // The same room id on another relay is another room.
    rooms = rememberLink(rooms, elsewhere, 3)
    expect(rooms.map((r) => r.relay)).toEqual(['http://other.test', 'http://relay.test'])
    // Joining: the first receiver's link, the others trusted beside it, each with its pairing secret until approved.
    const join = joinOf(rooms[1]!)
    expect(join?.link).toMatchObject({ relay: 'http://relay.test', room: mac.room, name: 'mac' })
    expect(join?.link.pairingSecret).toEqual(mac.pairingSecret)
    expect(join?.trusted).toEqual([{ key: pi.peer, name: 'pi', pairingSecret: pi.pairingSecret }])
  })

  it('drops a receiver pairing secret once it approved this phone, and only that one', () => {
    const mac = receiverLink('http://relay.test', 'mac')
    const pi = receiverLink('http://relay.test', 'pi', mac.room)
    const rooms = rememberLink(rememberLink([], mac, 1), pi, 2)
    const macKey = toBase64url(mac.peer!)
    const after = dropSecrets(rooms, mac.room, [macKey])
    expect(after[0]?.receivers).toEqual([
      { name: 'mac', key: macKey },
      { name: 'pi', key: toBase64url(pi.peer!), pairingSecret: toBase64url(pi.pairingSecret!) },
    ])
    expect(dropSecrets(after, mac.room, [macKey])).toBe(after)
    const store = memoryStore()
    saveRooms(store, after)
    expect(JSON.stringify(loadRooms(store))).not.toContain(toBase64url(mac.pairingSecret!))
  })

  it('remembers rooms most recent first and survives reloads; forgets on request', () => {
    const store = memoryStore()
    const a = receiverLink('http://a.test:1', 'a')
    const b = receiverLink('http://b.test:2', 'b')
    let rooms = rememberLink(rememberLink([], a, 1), b, 2)
    rooms = roomUsedNow(rooms, rooms[1]!, 3)
    expect(rooms.map((r) => r.room)).toEqual([a.room, b.room])
    saveRooms(store, rooms)
    const loaded = loadRooms(store)
    expect(loaded.map((r) => r.room)).toEqual([a.room, b.room])
    expect(forgetRoom(loaded, a.room).map((r) => r.room)).toEqual([b.room])
  })

  it('keeps at most MAX_STORED_ROOMS rooms and MAX_RECEIVERS_PER_ROOM receivers (a link flood)', () => {
    let rooms = rememberLink([], receiverLink('http://r.test', 'r'), 0)
    for (let i = 1; i < MAX_STORED_ROOMS + 5; i++)
      rooms = rememberLink(rooms, receiverLink('http://r.test', 'r'), i)
    expect(rooms).toHaveLength(MAX_STORED_ROOMS)
    const room = createRoomId()
    let one = rememberLink([], receiverLink('http://r.test', 'r0', room), 0)
    for (let i = 1; i < MAX_RECEIVERS_PER_ROOM + 3; i++)
      one = rememberLink(one, receiverLink('http://r.test', `r${i}`, room), i)
    expect(one[0]?.receivers).toHaveLength(MAX_RECEIVERS_PER_ROOM)
  })

  it('drops stored entries that no longer make a link, and an older keyroom room key (storage is untrusted)', () => {
    const store = memoryStore()
    const good = rememberLink([], receiverLink('http://ok.test', 'ok'), 5)[0]!
    store.setItem(OLDER_ROOMS_STORAGE_KEY, JSON.stringify([{ relay: 'http://x', room: 'r', key: 'secret' }]))
    store.setItem(
      ROOMS_STORAGE_KEY,
      JSON.stringify([
        good,
        { ...good, receivers: [{ name: 'x', key: 'short' }] },
        { ...good, receivers: [] },
        { ...good, relay: 'ftp://x' },
        { room: 1 },
        null,
      ]),
    )
    expect(loadRooms(store)).toEqual([good])
    expect(store.getItem(OLDER_ROOMS_STORAGE_KEY)).toBeNull()
    store.setItem(ROOMS_STORAGE_KEY, '"nope"')
    expect(loadRooms(store)).toEqual([])
  })
})
