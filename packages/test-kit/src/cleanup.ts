import { afterAll, onTestFinished } from 'vitest'

/**
 * Where a helper registers what undoes it: by default when the current test finishes; a suite that shares one
 * relay or process across its tests passes `perSuite()`.
 */
export type Cleanup = (undo: () => unknown) => void

export const perTest: Cleanup = (undo) => onTestFinished(async () => void (await undo()))

/** A cleanup for what a suite starts in `beforeAll`: undone after all its tests, the last started first. */
export function perSuite(): Cleanup {
  const undos: Array<() => unknown> = []
  afterAll(async () => {
    for (const undo of undos.splice(0)) await undo()
  })
  return (undo) => void undos.unshift(undo)
}
