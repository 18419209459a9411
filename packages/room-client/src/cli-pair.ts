import { fail, nameProblem, ok } from '@keyroom/key-events'
import {
  type CliResult,
  defaultCliName,
  describePeer,
  type Output,
  openCliRoom,
  trustedReceivers,
  verdictError,
  verdictLine,
} from './cli-device.js'
import { trustedPeerOf } from './device-link.js'
import { openDeviceStore } from './device-store.js'
import { fingerprint } from './identity.js'
import { type LinkSource, readLink } from './link-input.js'

export const NO_LINK =
  "pair takes a receiver's link from a file (--link-file PATH), stdin (--link -) or $KEYROOM_LINK: the link `keyroom-receiver pair --relay URL` (or `keyroom-pi pair`) printed"

/**
 * `keyroom pair`: trusts the receiver a v2 link names (shown by name and fingerprint), joins its room and proves the
 * link's pairing secret. Inside the receiver's pairing window that approves this device; after it, the receiver keeps
 * it pending and this prints the code to approve there. A second receiver's link for the same room adds it (a mixed
 * room); a link for another room moves the CLI there and forgets the old room's receivers.
 */
export async function pair(
  options: {
    dir: string
    source: LinkSource | undefined
    name?: string
    timeoutMs: number
    stdin?: NodeJS.ReadableStream
  },
  io: Output,
): Promise<CliResult> {
  if (!options.source) return fail('usage', NO_LINK)
  const badName = options.name === undefined ? undefined : nameProblem(options.name)
  if (badName) return fail('usage', `--name: ${badName}`)
  const read = await readLink(options.source, options.stdin)
  if (!read.ok) return read
  const link = read.value
  const receiver = trustedPeerOf(link)
  if (!receiver)
    return fail('usage', 'this link names no receiver (no peer=): open the link a receiver\'s "pair" printed')
  const deadline = Date.now() + options.timeoutMs
  const store = openDeviceStore(options.dir)
  const before = store.room()
  if (before && (before.relay !== link.relay || before.room !== link.room)) {
    const names = store.trusted().map((t) => t.name ?? 'a receiver')
    store.forgetTrusted()
    if (names.length > 0) io.err(`left the room of ${names.join(', ')} on ${before.relay} for this one`)
  }
  store.setRoom({ relay: link.relay, room: link.room })
  if (options.name !== undefined) store.setName(options.name)
  const name = store.name() ?? defaultCliName()
  store.trust(receiver)
  const receiverName = link.name ?? 'the receiver'
  io.err(
    `receiver: ${receiverName}, fingerprint ${fingerprint(receiver.key)} (compare it with its "pair" output)`,
  )
  io.err(`this device: ${name}, fingerprint ${store.identity().fingerprint}`)

  const trusted = store.trusted()
  const opened = await openCliRoom(
    { store, room: { relay: link.relay, room: link.room }, trusted },
    options.timeoutMs,
  )
  if (!opened.ok) return opened
  const room = opened.value
  try {
    const [peer] = await trustedReceivers(room, [receiver], deadline)
    const others = trusted.length - 1
    if (!peer) {
      return fail(
        'no-receiver',
        `${receiverName} is not in the room now (is it running?). It is trusted: this device proves the link's pairing secret the next time both are in the room (keyroom send or listen), while its window is open`,
      )
    }
    const line = verdictLine(peer, { name, fingerprint: store.identity().fingerprint })
    if (!line) return fail('no-receiver', `${describePeer(peer)} did not say whether it approves this device`)
    io.err(line)
    const refused = verdictError(peer)
    if (refused) return { ok: false, error: refused }
    io.err(
      others > 0
        ? `paired: keyroom send now types on ${receiverName} and ${others} other receiver(s) of this room`
        : `paired: keyroom send now types on ${receiverName}`,
    )
    return ok(undefined)
  } finally {
    await room.close()
  }
}
