import { describe, expect, it } from 'vitest'
import { isInjectError } from './keyboard.js'
import { createLogKeyboard } from './log-keyboard.js'
import { createLogPointer } from './log-pointer.js'

describe('log keyboard', () => {
  it('prints one JSON object per line for each action', async () => {
    const lines: string[] = []
    const keyboard = createLogKeyboard({ write: (line) => lines.push(line), platform: 'darwin' })
    await keyboard.pressKey('MetaLeft')
    await keyboard.releaseKey('MetaLeft')
    await keyboard.type('hé "x"\n')
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true)
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { action: 'down', code: 'MetaLeft' },
      { action: 'up', code: 'MetaLeft' },
      { action: 'type', text: 'hé "x"\n' },
    ])
  })

  it('speaks in words for a terminal, counting text rather than showing it', async () => {
    const lines: string[] = []
    const keyboard = createLogKeyboard({ write: (line) => lines.push(line), platform: 'darwin', human: true })
    await keyboard.pressKey('KeyQ')
    await keyboard.repeatKey?.('KeyQ')
    await keyboard.releaseKey('KeyQ')
    await keyboard.type('hello')
    await keyboard.type('é')
    expect(lines).toEqual([
      'pressed KeyQ\n',
      'repeated KeyQ\n',
      'released KeyQ\n',
      'typed 5 characters\n',
      'typed 1 character\n',
    ])
    const pointer: string[] = []
    const mouse = createLogPointer({ write: (line) => pointer.push(line), human: true })
    await mouse.move(40, -10)
    await mouse.click('left')
    await mouse.scroll(0, 120)
    expect(pointer).toEqual(['moved 40,-10\n', 'clicked the left button\n', 'scrolled 0,120\n'])
  })

  it('refuses a key the platform cannot inject, like the nut driver', async () => {
    const lines: string[] = []
    const keyboard = createLogKeyboard({ write: (line) => lines.push(line), platform: 'linux' })
    const error = await keyboard.pressKey('ContextMenu').catch((e: unknown) => e)
    expect(isInjectError(error) && error.code).toBe('unsupported-key')
    expect(lines).toEqual([])
  })

  it('prints repeats where keyroom repeats (macOS), not on Linux where the X server does', async () => {
    const lines: string[] = []
    await createLogKeyboard({ write: (line) => lines.push(line), platform: 'darwin' }).repeatKey?.('KeyA')
    expect(lines.map((line) => JSON.parse(line))).toEqual([{ action: 'repeat', code: 'KeyA' }])
    expect(createLogKeyboard({ platform: 'linux' }).repeatKey).toBeUndefined()
  })
})
