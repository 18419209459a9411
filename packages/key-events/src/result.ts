import { z } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

// zod/mini ships without messages ("Invalid input"); errors that reach users and logs must name the problem.
z.config(en())

/** A value or a specific error; parsing never throws. */
export type Result<T, E = ProtocolError> = { ok: true; value: T } | { ok: false; error: E }

/** Why an input was refused: a stable `code`, a human `message`, and where in the input (`path`). */
export interface ProtocolError {
  code: string
  message: string
  path: string
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value })
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error })

/** Runs a zod schema and turns its first issue into a {@link ProtocolError}. */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown, code: string): Result<T> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return ok(parsed.data)
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  return err({ code, message: `${path || 'message'}: ${issue?.message ?? 'invalid'}`, path })
}
