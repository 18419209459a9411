/** Small statistics for the bench: percentiles of samples, medians over rounds, ratios. */

/** Nearest-rank percentile (0..100) of samples already sorted ascending; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN
}

export interface LatencySummary {
  samples: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** Latency percentiles in milliseconds from the first `count` samples. */
export function summarizeLatency(samples: Float64Array, count: number): LatencySummary {
  const sorted = samples.slice(0, count).sort()
  return {
    samples: count,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
  }
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const middle = sorted.length / 2
  return Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[Math.floor(middle)] ?? Number.NaN)
}

/**
 * The median of per-round ratios `a[i] / b[i]`: each ratio compares two relays measured back to back, so noise
 * that hits one round hits both sides of its ratio.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, i) => value / (b[i] ?? Number.NaN)))
}
