import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isDroppable,
  isKeyAction,
  isPointerAction,
  isRelease,
  type MessageBody,
  parseEnvelope,
  parseKeyAction,
} from './messages.js'
import { POINTER_BUTTONS, parsePointerAction } from './pointer.js'
import { MAX_POINTER_DELTA, MAX_SCROLL_DELTA, PROTOCOL_VERSION } from './protocol.js'

describe('pointer actions', () => {
  it('accepts relative moves and scrolls on both axes within the bounds', () => {
    expect(parsePointerAction({ type: 'move', dx: -12, dy: 7 })).toEqual({
      ok: true,
      value: { type: 'move', dx: -12, dy: 7 },
    })
    expect(parsePointerAction({ type: 'move', dx: MAX_POINTER_DELTA, dy: -MAX_POINTER_DELTA }).ok).toBe(true)
    expect(parsePointerAction({ type: 'scroll', dx: 0, dy: -MAX_SCROLL_DELTA }).ok).toBe(true)
    expect(parsePointerAction({ type: 'scroll', dx: 30, dy: 0 }).ok).toBe(true)
  })

  it('refuses moves and scrolls that are fractional, out of bounds, not numbers or empty, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ type: 'move', dx: 1.5, dy: 0 }, 'dx'],
      [{ type: 'move', dx: 0, dy: MAX_POINTER_DELTA + 1 }, 'dy'],
      [{ type: 'move', dx: '3', dy: 1 }, 'dx'],
      [{ type: 'move', dx: Number.NaN, dy: 1 }, 'dx'],
      [{ type: 'move', dx: 1 }, 'dy'],
      [{ type: 'scroll', dx: -MAX_SCROLL_DELTA - 1, dy: 0 }, 'dx'],
      [{ type: 'scroll', dx: 0, dy: Number.POSITIVE_INFINITY }, 'dy'],
    ]
    for (const [input, path] of cases) {
      const result = parsePointerAction(input)
      expect(result.ok, JSON.stringify(input)).toBe(false)
      if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid-action', path })
    }
    expect(parsePointerAction({ type: 'move', dx: 0, dy: 0 })).toMatchObject({
      ok: false,
      error: { message: 'message: a move must move: dx and dy are both 0' },
    })
    expect(parsePointerAction({ type: 'scroll', dx: 0, dy: 0 }).ok).toBe(false)
  })

  it('accepts each button in each phase and nothing else', () => {
    for (const button of POINTER_BUTTONS) {
      for (const phase of ['down', 'up', 'click']) {
        expect(parsePointerAction({ type: 'button', button, phase }).ok).toBe(true)
      }
    }
    expect(parsePointerAction({ type: 'button', button: 'back', phase: 'click' })).toMatchObject({
      ok: false,
      error: { path: 'button' },
    })
    expect(parsePointerAction({ type: 'button', button: 'left', phase: 'tap' })).toMatchObject({
      ok: false,
      error: { path: 'phase' },
    })
  })

  it('travels in an envelope, and only moves and scrolls are droppable; a button up is a release', () => {
    const bodies: MessageBody[] = [
      { type: 'move', dx: 1, dy: 2 },
      { type: 'scroll', dx: 0, dy: 3 },
      { type: 'button', button: 'right', phase: 'down' },
      { type: 'button', button: 'right', phase: 'up' },
    ]
    for (const body of bodies) {
      const parsed = parseEnvelope({ v: PROTOCOL_VERSION, from: 'sender-0001', seq: 1, t: 1, body })
      expect(parsed.ok).toBe(true)
      expect(isPointerAction(body)).toBe(true)
      expect(isKeyAction(body)).toBe(false)
    }
    expect(bodies.map(isDroppable)).toEqual([true, true, false, false])
    expect(bodies.map(isRelease)).toEqual([false, false, false, true])
    expect(isDroppable({ type: 'key', code: 'KeyA', phase: 'down' })).toBe(false)
    expect(isPointerAction({ type: 'key', code: 'KeyA', phase: 'down' })).toBe(false)
  })

  it('renews held buttons with or without keys, but a renew must name something', () => {
    expect(parseKeyAction({ type: 'renew', codes: [], buttons: ['left'] }).ok).toBe(true)
    expect(parseKeyAction({ type: 'renew', codes: ['ShiftLeft'], buttons: ['left', 'right'] }).ok).toBe(true)
    expect(parseKeyAction({ type: 'renew', codes: ['ShiftLeft'] }).ok).toBe(true)
    expect(parseKeyAction({ type: 'renew', codes: [], buttons: [] }).ok).toBe(false)
    expect(parseKeyAction({ type: 'renew', codes: [] }).ok).toBe(false)
    expect(parseKeyAction({ type: 'renew', codes: [], buttons: ['left', 'left'] }).ok).toBe(false)
    expect(parseKeyAction({ type: 'renew', codes: [], buttons: ['thumb'] }).ok).toBe(false)
  })

  it('never accepts a move outside the bounds, whatever the numbers', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (dx, dy) => {
        const result = parsePointerAction({ type: 'move', dx, dy })
        const inBounds = (n: number) => Number.isInteger(n) && Math.abs(n) <= MAX_POINTER_DELTA
        expect(result.ok).toBe(inBounds(dx) && inBounds(dy) && (dx !== 0 || dy !== 0))
      }),
    )
  })
})
