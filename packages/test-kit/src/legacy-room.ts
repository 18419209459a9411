import { randomBytes } from 'node:crypto'

/**
 * The same link with a room id as made before join credentials: 16 random bytes, which anyone who knows them can
 * join on the relay. Tests of the devices' own defences against outsiders in the room use it; a credentialed room
 * keeps outsiders out at the relay already.
 */
export function withLegacyRoomId<T extends { room: string }>(link: T): T {
  return { ...link, room: randomBytes(16).toString('base64url') }
}
