/** An electrical level: 0 = low, 1 = high. Active-low inversion happens above this layer, in the agent. */
export type Level = 0 | 1

/** One exported output pin. */
export interface OutputPin {
  /** BCM number. */
  readonly pin: number
  /** Drives the pin; synchronous so that shutdown paths can rely on it. */
  write(level: Level): void
  read(): Level
  /** Releases the pin (unexports it). The caller writes the safe level first. */
  close(): void
}

/** One exported input pin, watched for changes. */
export interface InputPin {
  readonly pin: number
  read(): Level
  close(): void
}

/** The GPIO hardware, by BCM number. Implemented by onoff (`onoff-pins.ts`) and the simulator (`sim-pins.ts`). */
export interface Pins {
  /** Exports `pin` as an output that starts at `initial` without a glitch through the other level. */
  output(pin: number, initial: Level): OutputPin
  /** Exports `pin` as an input and calls `onChange` with the raw level on every edge. */
  input(pin: number, onChange: (level: Level) => void): InputPin
}

export const toLevel = (value: number | boolean): Level => (value ? 1 : 0)
