/**
 * Node's arguments to run a workspace entry point from its TypeScript source, as the root scripts do. Its own
 * module (`@keyroom/test-kit/from-source`, no vitest in it) so that `pnpm start` and the benches spell it from here.
 */
export const NODE_FROM_SOURCE: readonly string[] = ['--conditions=@keyroom/source', '--import', 'tsx']
