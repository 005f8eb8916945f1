import { performance } from 'node:perf_hooks';

/**
 * Timing loops. Each one is bounded by wall time (and optionally an operation count) so a benchmark takes a
 * known few seconds however fast or slow the machine is; rates are completed operations per elapsed second.
 */

/** Runs `fn` back to back on the calling thread for `seconds`; returns operations per second. */
export function measureSync(fn, { seconds = 1, warmup = 20 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const start = performance.now();
  const end = start + seconds * 1000;
  let ops = 0;
  do {
    fn();
    ops++;
  } while (performance.now() < end);
  return { opsPerSec: (ops * 1000) / (performance.now() - start), ops };
}

/**
 * Keeps `concurrency` calls of the async `fn` in flight for `seconds` (or until `maxOps` have completed).
 * Returns the rate and per-call latency percentiles in milliseconds.
 */
export async function measureAsync(
  fn,
  { concurrency = 1, seconds = 1, maxOps = Infinity, warmup = true } = {},
) {
  if (warmup) await Promise.all(Array.from({ length: concurrency }, () => fn()));
  const latencies = [];
  const utilization = performance.eventLoopUtilization();
  const start = performance.now();
  const end = start + seconds * 1000;
  let started = 0;
  async function worker() {
    while (performance.now() < end && started < maxOps) {
      started++;
      const t0 = performance.now();
      await fn();
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - start;
  const loopBusy = performance.eventLoopUtilization(utilization).utilization;
  latencies.sort((a, b) => a - b);
  return {
    opsPerSec: (latencies.length * 1000) / elapsed,
    ops: latencies.length,
    seconds: elapsed / 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    /** Share of the time the event loop was busy (0…1): near 1 means the main thread was the bottleneck. */
    loopBusy,
    /** Every call's latency, ascending, for combining runs. */
    latencies,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
