import type { Sleep } from './sleep.js';
import type { TokenStore } from './token-store.js';

/**
 * Client-side token buckets that keep a merchant under each operation's documented rate, so bursts queue
 * here instead of coming back as 429. When a bucket is empty the caller waits for a token (abortable);
 * it never fails for lack of one.
 */
export class RateLimiter {
  readonly #store: TokenStore;
  readonly #now: () => number;
  readonly #sleep: Sleep;

  constructor(options: { store: TokenStore; now: () => number; sleep: Sleep }) {
    this.#store = options.store;
    this.#now = options.now;
    this.#sleep = options.sleep;
  }

  /**
   * Resolves `true` once a token for `key` was taken. `burst` defaults to one second's worth of requests.
   * Rejects with the signal's reason if the signal fires while waiting. With `waitUntilMs` (epoch ms) it
   * resolves `false` instead of starting a wait that would end after that instant: a call that will miss its
   * deadline anyway should fail now rather than hold the caller until then.
   */
  async acquire(
    key: string,
    ratePerSecond: number,
    signal?: AbortSignal,
    burst = ratePerSecond,
    waitUntilMs?: number,
  ): Promise<boolean> {
    for (;;) {
      signal?.throwIfAborted();
      const nowMs = this.#now();
      const result = await this.#store.take(key, ratePerSecond, Math.max(1, burst), nowMs, {
        signal,
        waitUntilMs,
      });
      if (result.ok) return true;
      // At least 1 ms: a store answering 0 must not turn this into a busy loop.
      const waitMs = Math.max(1, result.retryAfterMs);
      if (waitUntilMs !== undefined && nowMs + waitMs > waitUntilMs) return false;
      await this.#sleep(waitMs, signal);
    }
  }
}
