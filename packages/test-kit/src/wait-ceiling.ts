// Vitest setup file (vitest.config.ts `setupFiles`): every test's event waits get a ceiling fit for this project's
// machines. vi.waitFor polls for a condition and gives up after 1 s by default, which a process starting or a page
// answering on two shared, busy cores can take: a correct wait then fails, and the suite is flaky. The wait still
// ends the moment its condition holds; only a real failure takes the whole ceiling. An explicit timeout wins.
import { vi } from 'vitest'

export const WAIT_CEILING_MS = 5_000

const waitFor = vi.waitFor
vi.waitFor = ((callback, options) =>
  waitFor(
    callback,
    typeof options === 'number' ? options : { timeout: WAIT_CEILING_MS, ...options },
  )) as typeof vi.waitFor
