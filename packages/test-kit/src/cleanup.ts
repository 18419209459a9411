import { onTestFinished } from 'vitest'

/**
 * Where a helper registers what undoes it: by default when the current test finishes; a suite that shares one
 * relay or process across its tests passes its own (e.g. collected and run in `afterAll`).
 */
export type Cleanup = (undo: () => unknown) => void

export const perTest: Cleanup = (undo) => onTestFinished(async () => void (await undo()))
