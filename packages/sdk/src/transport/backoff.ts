export interface BackoffOptions {
  /** Delay ceiling before jitter for the first retry; doubles with every further retry. */
  baseDelayMs: number;
  /** Upper bound for any single delay. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base · 2^retry)).
 * Full jitter spreads clients that failed together, so they do not all come back at the same instant.
 * `retry` counts from 0 (the first retry).
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
