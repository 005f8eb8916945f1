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
   * Resolves once a token for `key` was taken. `burst` defaults to one second's worth of requests.
   * Rejects with the signal's reason if the signal fires while waiting.
   */
  async acquire(
    key: string,
    ratePerSecond: number,
    signal?: AbortSignal,
    burst = ratePerSecond,
  ): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const result = await this.#store.take(key, ratePerSecond, Math.max(1, burst), this.#now());
      if (result.ok) return;
      // At least 1 ms: a store answering 0 must not turn this into a busy loop.
      await this.#sleep(Math.max(1, result.retryAfterMs), signal);
    }
  }
}
