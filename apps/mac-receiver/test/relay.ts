// TEMPORARY until apps/relay lands: a stand-in with the same API.
// @ts-expect-error dev-only file outside the repo
export { startRelay } from '/tmp/exp/dev-relay.mjs'
