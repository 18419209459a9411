import { z } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

// zod/mini ships without messages ("Invalid input"); errors that reach users and logs must name the problem.
z.config(en())

/** A value or a specific error; parsing never throws. */
export type Result<T, E = ProtocolError> = { ok: true; value: T } | { ok: false; error: E }

/**
 * Why something was refused: a stable `code` (a string-literal type where the caller names its codes), a human
 * `message`, and where in the input (`path`, empty when it is about the whole input). The one error shape of
 * keyroom: parsers, commands and services return it in a {@link Result}; only a `main` turns it into an exit code.
 */
export interface ProtocolError<C extends string = string> {
  code: C
  message: string
  path: string
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value })
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error })
/** The one way to refuse: `fail('invalid-link', 'the pairing link is empty')`. */
export const fail = <C extends string>(
  code: C,
  message: string,
  path = '',
): Result<never, ProtocolError<C>> => err({ code, message, path })

/** Runs a zod schema and turns its first issue into a {@link ProtocolError}. */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown, code: string): Result<T> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return ok(parsed.data)
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  return err({ code, message: `${path || 'message'}: ${issue?.message ?? 'invalid'}`, path })
}
