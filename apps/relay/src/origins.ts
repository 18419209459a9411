/**
 * Browser Origin allowlist. Socket.IO's `cors` option covers only HTTP long-polling, so the relay checks the
 * Origin itself at the handshake of every transport. Every pattern matches a whole host, never a substring:
 * `example.com` does not match `example.com.evil.net` or `evilexample.com`.
 */

import { fail, ok, type ProtocolError, type Result } from '@keyroom/key-events'
import { quote } from './log-budget.js'

/** Always allowed: the keypad served from this machine, on any port. */
export const DEFAULT_ORIGIN_PATTERNS = ['localhost', '127.0.0.1', '[::1]']

interface CompiledPattern {
  scheme?: string
  /** The host, or the parent domain for a `*.` pattern. */
  host: string
  wildcard: boolean
  port?: string
}

function compile(pattern: string): CompiledPattern {
  const match = /^(?:(https?):\/\/)?(\*\.)?([^:/]+|\[[^\]]+\])(?::(\d+))?$/i.exec(pattern.trim())
  if (!match) throw new Error(`not an origin pattern: ${pattern}`)
  const [, scheme, star, host = '', port] = match
  return {
    ...(scheme ? { scheme: scheme.toLowerCase() } : {}),
    host: host.toLowerCase(),
    wildcard: Boolean(star),
    ...(port ? { port } : {}),
  }
}

function matches(pattern: CompiledPattern, origin: URL): boolean {
  const scheme = origin.protocol.slice(0, -1)
  if (scheme !== 'http' && scheme !== 'https') return false
  if (pattern.scheme && pattern.scheme !== scheme) return false
  if (pattern.port && pattern.port !== (origin.port || (scheme === 'https' ? '443' : '80'))) return false
  const host = origin.hostname.toLowerCase()
  return pattern.wildcard ? host.endsWith(`.${pattern.host}`) : host === pattern.host
}

/** Whether a request's Origin may in, or why not. */
export type OriginVerdict = Result<void, ProtocolError<'origin-not-allowed'>>

const refuse = (message: string): OriginVerdict => fail('origin-not-allowed', message)
const allow: OriginVerdict = ok(undefined)

/** Builds the check the relay runs on the Origin header of every handshake. */
export function createOriginCheck(options: {
  allowedOrigins: readonly string[]
  allowMissingOrigin: boolean
}) {
  const patterns = [...DEFAULT_ORIGIN_PATTERNS, ...options.allowedOrigins].map(compile)
  return (origin: string | undefined): OriginVerdict => {
    if (origin === undefined || origin === '') {
      return options.allowMissingOrigin ? allow : refuse('requests without Origin are not allowed')
    }
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return refuse(`Origin ${quote(origin)} is not a URL`)
    }
    // An origin is scheme://host[:port] only; anything more (a path, credentials) is not a browser's Origin.
    if (url.origin !== origin.toLowerCase().replace(/\/$/, '') && url.origin !== origin) {
      return refuse(`Origin ${quote(origin)} is not a plain origin`)
    }
    return patterns.some((pattern) => matches(pattern, url))
      ? allow
      : refuse(`Origin ${quote(origin)} is not allowed`)
  }
}
