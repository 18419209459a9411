/** Runs async jobs one after another, in the order they were queued; one failing job does not stop the next. */
export interface Serial {
  run<T>(job: () => Promise<T>): Promise<T>
  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void>
}

export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run(job) {
      const result = tail.then(job, job)
      tail = result.catch(() => undefined)
      return result
    },
    idle: () => tail.then(() => undefined),
  }
}
