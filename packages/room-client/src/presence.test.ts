import { type HelloMessage, MAX_PEERS } from '@keyroom/key-events'
import { describe, expect, it } from 'vitest'
import { createPresence } from './presence.js'

const hello = (name: string): HelloMessage => ({
  type: 'hello',
  role: 'keypad',
  name,
  caps: { inject: false },
})

describe('presence', () => {
  it('lists at most MAX_PEERS devices and refuses one more, while known ones still update (issue 18)', () => {
    const presence = createPresence()
    for (let i = 0; i < MAX_PEERS; i++) expect(presence.hello(`peer-${i}`, hello(`pad ${i}`), 1)).toBe('new')
    expect(presence.hello('peer-extra', hello('one too many'), 2)).toBe('full')
    expect(presence.list()).toHaveLength(MAX_PEERS)
    expect(presence.hello('peer-0', hello('renamed'), 3)).toBe('known')
    expect(presence.get('peer-0')?.name).toBe('renamed')
    presence.remove('peer-1')
    expect(presence.hello('peer-extra', hello('now there is room'), 4)).toBe('new')
  })
})
