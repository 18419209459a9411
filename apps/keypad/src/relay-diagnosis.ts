/** Why the relay cannot be used, found out by asking it directly once the socket failed. */
export type RelayDiagnosis =
  | { kind: 'unreachable' }
  | { kind: 'refused'; reason: string }
  /** It answers and lets this page in: the socket failed for another reason (it will retry). */
  | { kind: 'reachable' }

/**
 * Asks the relay's Socket.IO endpoint with an unsupported protocol version: the relay's own checks (the Origin)
 * run first and refuse with their reason; a request they let through is answered 400 by engine.io and opens no
 * session. A network error means the relay cannot be reached at all.
 */
export async function diagnoseRelay(
  relay: string,
  fetchImpl: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<RelayDiagnosis> {
  let response: Response
  try {
    // POST: browsers send the Origin header with it even to their own origin (not with a GET), as the socket does.
    response = await fetchImpl(new URL('/socket.io/?EIO=0&transport=polling', relay).href, {
      method: 'POST',
      cache: 'no-store',
    })
  } catch {
    return { kind: 'unreachable' }
  }
  if (response.status !== 403) return { kind: 'reachable' }
  const body: unknown = await response.json().catch(() => undefined)
  const message = (body as { message?: unknown } | undefined)?.message
  // The reason is the relay's text: shown as text, cut short, never as markup.
  return { kind: 'refused', reason: typeof message === 'string' ? message.slice(0, 200) : 'no reason given' }
}
