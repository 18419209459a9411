import { basename, join } from 'node:path'
import { defineConfig } from 'vitest/config'

const workspaces = [
  'packages/key-events',
  'packages/room-client',
  'packages/device-kit',
  'packages/test-kit',
  'apps/relay',
  'apps/keypad',
  'apps/mac-receiver',
  'apps/pi-agent',
]

// Every package runs from source in tests: the `@keyroom/source` export condition points at src/*.ts.
export default defineConfig({
  resolve: { conditions: ['@keyroom/source'] },
  ssr: { resolve: { conditions: ['@keyroom/source'] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Event waits (vi.waitFor, expect.poll) end when their condition holds; their ceiling fits busy shared cores.
    setupFiles: [join(import.meta.dirname, 'packages/test-kit/src/wait-ceiling.ts')],
    expect: { poll: { timeout: 5_000 } },
    projects: [
      ...workspaces.map((root) => ({
        extends: true as const,
        test: {
          name: basename(root),
          root,
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          // Type-level tests (*.test-d.ts) run through tsc on the package's tsconfig, so a wrong type fails the run.
          typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'] },
        },
      })),
      // The product as a whole: `pnpm start`, and every app as its own process in one room.
      {
        extends: true as const,
        test: { name: 'e2e', root: '.', include: ['scripts/**/*.test.ts', 'test/**/*.test.ts'] },
      },
    ],
  },
})
