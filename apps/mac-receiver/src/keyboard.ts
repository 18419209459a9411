import type { KeyCode, ProtocolError } from '@keyroom/key-events'

/**
 * What the receiver needs from a keyboard: hold, release and type. Implementations: nut.js (real key presses),
 * a JSON-lines log (no permissions needed) and a recording keyboard for tests.
 */
export interface Keyboard {
  /** Presses and holds one key. Throws {@link InjectError} when the key cannot be injected here. */
  pressKey(code: KeyCode): Promise<void>
  /** Releases one key; releasing a key that is not down is harmless. */
  releaseKey(code: KeyCode): Promise<void>
  /**
   * Types a string, or refuses it whole before typing any of it (throws {@link InjectError}). Awaits `between`
   * between keystrokes (or short runs of them), where the receiver lets timers, socket input and releases run.
   */
  type(text: string, between?: Between): Promise<void>
  /**
   * One repeat of a held key: a further key-down without a key-up (what a physical keyboard sends), marked as a
   * repeat where the OS has such a flag. Absent where the display server repeats held keys itself (X11).
   */
  repeatKey?(code: KeyCode): Promise<void>
}

/** Called by a long keyboard call between keystrokes; see `ActionQueue.pause`. */
export type Between = () => Promise<void>

const noPause: Between = async () => undefined
/** `between`, or nothing to wait for. */
export const pauseOf = (between: Between | undefined): Between => between ?? noPause

export type InjectErrorCode = 'unsupported-key' | 'unsupported-text' | 'inject-failed'

/**
 * A key or text the keyboard refused; the receiver turns it into a log line and a notice, never a crash. It is
 * key-events' {@link ProtocolError} (its `path` is the key, if one): thrown, because drivers fail by throwing.
 */
export class InjectError extends Error implements ProtocolError<InjectErrorCode> {
  override readonly name = 'InjectError'
  readonly path: string
  constructor(
    readonly code: InjectErrorCode,
    message: string,
    readonly key?: KeyCode,
  ) {
    super(message)
    this.path = key ?? ''
  }
}

export const isInjectError = (error: unknown): error is InjectError => error instanceof InjectError
