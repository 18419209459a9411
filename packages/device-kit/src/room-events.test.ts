import type { Sendable, SendResult } from '@keyroom/room-client'
import { captureLogger, createFakeRoom } from '@keyroom/test-kit'
import { describe, expect, it, vi } from 'vitest'
import { announcePeers, type FollowedEvents, followRoom, sendNotice } from './room-events.js'

describe('sendNotice', () => {
  it('sends the notice about a message, its text cut to 500 characters', async () => {
    const sent: Sendable[] = []
    const { logger } = captureLogger('warn')
    const send = async (body: Sendable): Promise<SendResult> => {
      sent.push(body)
      return { ok: true }
    }
    sendNotice({ send }, logger, {
      level: 'error',
      code: 'inject-failed',
      message: 'x'.repeat(600),
      about: { from: 'keypad-1', seq: 7 },
    })
    expect(sent).toEqual([
      {
        type: 'notice',
        level: 'error',
        code: 'inject-failed',
        message: 'x'.repeat(500),
        ref: { from: 'keypad-1', seq: 7 },
      },
    ])
  })

  it('logs a notice the relay refused or that failed to go out, and never throws', async () => {
    const { logger, lines } = captureLogger('warn')
    const refused: SendResult = { ok: false, error: { code: 'offline', message: 'not connected' } }
    sendNotice({ send: async () => refused }, logger, { level: 'warn', code: 'blocked', message: 'no' })
    sendNotice({ send: () => Promise.reject(new Error('socket gone')) }, logger, {
      level: 'warn',
      code: 'blocked',
      message: 'no',
    })
    await vi.waitFor(() => expect(lines).toHaveLength(2))
    expect(lines.map((line) => line.msg)).toEqual(['could not send notice', 'could not send notice'])
    expect(lines[0]).toMatchObject({ code: 'blocked', error: { code: 'offline' } })
  })
})

describe('followRoom', () => {
  it('passes messages, gone senders and a lost connection on, and unsubscribes every listener', () => {
    const listeners = new Map<string, Set<(value: never) => void>>()
    const room = {
      on<E extends keyof FollowedEvents>(event: E, listener: (value: FollowedEvents[E]) => void) {
        const set = listeners.get(event) ?? new Set()
        listeners.set(event, set)
        set.add(listener as (value: never) => void)
        return () => set.delete(listener as (value: never) => void)
      },
    }
    const emit = <E extends keyof FollowedEvents>(event: E, value: FollowedEvents[E]) => {
      for (const listener of listeners.get(event) ?? []) (listener as (v: FollowedEvents[E]) => void)(value)
    }
    const seen: unknown[] = []
    const off = followRoom(room, {
      message: (message) => seen.push(['message', message.seq]),
      senderGone: (id) => seen.push(['gone', id]),
      disconnected: (state) => seen.push(['disconnected', state]),
    })
    emit('message', { from: 'a', seq: 1, t: 0, body: { type: 'release-all' } })
    emit('peer-left', { id: 'a', role: 'keypad', name: 'pad' } as FollowedEvents['peer-left'])
    emit('state', 'connected')
    emit('state', 'offline')
    expect(seen).toEqual([
      ['message', 1],
      ['gone', 'a'],
      ['disconnected', 'offline'],
    ])
    off()
    expect([...listeners.values()].reduce((n, set) => n + set.size, 0)).toBe(0)
  })
})

describe('announcePeers', () => {
  const peer = (id: string, role: 'keypad' | 'pi-agent', name: string) => ({
    id,
    role,
    name,
    caps: { inject: false },
    lastSeen: 0,
  })

  it('says "keypad joined" once per verified member and "keypad left" once when it goes', () => {
    const room = createFakeRoom()
    const { logger, lines, messages } = captureLogger('info')
    announcePeers(room, logger)
    const phone = peer('a', 'keypad', 'phone')
    room.emit('peers', [phone])
    room.emit('peers', [phone])
    room.emit('peers', [phone, peer('b', 'pi-agent', 'pi')])
    room.emit('peer-left', phone)
    room.emit('peers', [peer('b', 'pi-agent', 'pi')])
    room.emit('peers', [])
    expect(messages()).toEqual(['keypad joined', 'pi-agent joined', 'keypad left', 'pi-agent left'])
    expect(lines[0]).toMatchObject({ peer: 'phone', level: 30 })
  })
})
