import { readFile } from 'node:fs/promises'
import { fail, type ProtocolError, type Result } from '@keyroom/key-events'
import { parseDeviceLink } from './device-link.js'
import type { DeviceLink } from './device-types.js'

/**
 * Node only (`@keyroom/room-client/link-input`). Where a link comes from: never argv, which every user can read in
 * the process list (and sudo logs).
 */
export type LinkSource = { kind: 'file'; path: string } | { kind: 'stdin' } | { kind: 'env'; text: string }

/** `--link-file PATH`, `--link -` or $KEYROOM_LINK; a link itself on argv is refused with LINK_ON_ARGV. */
export function linkSourceOf(
  flags: { linkFile?: string | undefined; link?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = {},
): Result<LinkSource | undefined, ProtocolError<'usage'>> {
  if (flags.linkFile !== undefined && flags.link !== undefined)
    return fail('usage', 'give --link-file or --link -, not both')
  if (flags.linkFile !== undefined) return { ok: true, value: { kind: 'file', path: flags.linkFile } }
  if (flags.link !== undefined)
    return flags.link === '-' ? { ok: true, value: { kind: 'stdin' } } : fail('usage', LINK_ON_ARGV)
  if (env.KEYROOM_LINK) return { ok: true, value: { kind: 'env', text: env.KEYROOM_LINK } }
  return { ok: true, value: undefined }
}

export const LINK_ON_ARGV =
  'a link on the command line shows in the process list and shell history: pass it with --link-file PATH or --link - (stdin)'

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stdin) {
    text += chunk.toString()
    if (text.length > 4096) break
  }
  return text
}

/** Reads and parses a link from its source; a v1 link gets "this link is from an older keyroom: pair again". */
export async function readLink(
  source: LinkSource,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Result<DeviceLink, ProtocolError<'usage'>>> {
  let text: string
  try {
    text =
      source.kind === 'env'
        ? source.text
        : source.kind === 'stdin'
          ? await readStdin(stdin)
          : await readFile(source.path, 'utf8')
  } catch (error) {
    const where = source.kind === 'file' ? source.path : 'stdin'
    return fail('usage', `cannot read the link from ${where}: ${(error as Error).message}`)
  }
  const parsed = parseDeviceLink(text.trim())
  if (!parsed.ok) return fail('usage', `bad link: ${parsed.error.message}`, parsed.error.path)
  return parsed
}
